package dev.retouch.cli;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.model.LdmConfig;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Tiny random latent models on disk for the CLI tests: root/vae (16×16 ↔ 4×8×8), root/clip (16-wide text states,
 * 8-token context, 16×16 images) and root/ldm (the tiny conditional UNet referring to ../vae and ../clip).
 */
final class LatentFixtures {
    static final List<String> CAPTIONS = List.of("grinning face", "red heart", "left arrow", "right arrow",
            "cat face", "thumbs up", "party popper", "sun with face");

    private LatentFixtures() {
    }

    /** Writes root/vae, root/clip and root/ldm; returns root/ldm. */
    static Path bundle(Path root, long seed) {
        AutoencoderKLConfig vc = AutoencoderKLConfig.tiny();
        AutoencoderKL vae = new AutoencoderKL(vc);
        vae.initialize(Tensors.generator(seed));
        AutoencoderKL.save(root.resolve("vae"), vc, vae.stateDict(), "# tiny test vae\n");
        clip(root.resolve("clip"), seed + 1, 16);
        LdmConfig config = LdmConfig.of(UNet2DConditionConfig.tiny(), vc, 16, "../vae", "../clip");
        LatentDiffusionModel ldm = LatentDiffusionModel.create(config, seed + 2);
        ldm.save(root.resolve("ldm"), ldm.unet().stateDict(), "# tiny test ldm\n");
        return root.resolve("ldm");
    }

    /** A tiny CLIP with text width {@code width} saved to {@code dir}. */
    static Path clip(Path dir, long seed, int width) {
        BpeVocabulary vocabulary = new BpeTrainer(600).train(CAPTIONS);
        int end = vocabulary.ids().get(ClipTokenizer.END_TOKEN);
        ClipConfig t = ClipConfig.tiny(vocabulary.size(), 8, end);
        ClipConfig config = new ClipConfig(new ClipConfig.Text(vocabulary.size(), 8, width, 1, 2, 32, 1e-5,
                t.text().activation(), end), t.vision(), t.projectionDim(), t.logitScaleInit());
        Clip clip = new Clip(ClipModel.create(config, seed), vocabulary);
        clip.save(dir, clip.model().stateDict(), "# tiny test clip\n");
        return dir;
    }
}
