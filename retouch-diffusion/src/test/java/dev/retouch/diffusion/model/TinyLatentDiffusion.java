package dev.retouch.diffusion.model;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * Test fixtures: a tiny randomly initialised latent diffusion bundle (16×16 images ↔ 4×8×8 latents, a CLIP with
 * 16-wide text states and an 8-token context, the tiny conditional UNet fitted to both), and its model directories.
 */
public final class TinyLatentDiffusion {
    public static final List<String> CAPTIONS = List.of("grinning face", "red heart", "left arrow", "right arrow",
            "cat face", "thumbs up", "party popper", "sun with face");
    public static final int CONTEXT = 8;

    private TinyLatentDiffusion() {
    }

    public static Clip clip(long seed) {
        return clip(seed, ClipConfig.tiny(1, CONTEXT, 0));
    }

    /** A CLIP with the tiny BPE vocabulary and {@code shape}'s widths (vocabulary size and end id are replaced). */
    public static Clip clip(long seed, ClipConfig shape) {
        BpeVocabulary vocabulary = new BpeTrainer(600).train(CAPTIONS);
        int end = vocabulary.ids().get(ClipTokenizer.END_TOKEN);
        ClipConfig.Text t = shape.text();
        ClipConfig config = new ClipConfig(new ClipConfig.Text(vocabulary.size(), t.maxPositions(), t.width(),
                t.layers(), t.heads(), t.mlpWidth(), t.layerNormEps(), t.activation(), end), shape.vision(),
                shape.projectionDim(), shape.logitScaleInit());
        ClipModel model = ClipModel.create(config, seed);
        model.eval();
        return new Clip(model, vocabulary);
    }

    public static AutoencoderKL vae(long seed) {
        return vae(seed, AutoencoderKLConfig.tiny());
    }

    public static AutoencoderKL vae(long seed, AutoencoderKLConfig config) {
        AutoencoderKL vae = new AutoencoderKL(config);
        vae.initialize(Tensors.generator(seed));
        vae.eval();
        return vae;
    }

    /** The tiny UNet structure fitted to {@code vae} and {@code clip}, components at ../vae and ../clip. */
    public static LdmConfig config(AutoencoderKL vae, Clip clip) {
        return LdmConfig.of(UNet2DConditionConfig.tiny(), vae.config(), clip.model().config().text().width(),
                "../vae", "../clip");
    }

    public static LatentDiffusion create(long seed) {
        AutoencoderKL vae = vae(seed + 1);
        Clip clip = clip(seed + 2);
        LatentDiffusionModel model = LatentDiffusionModel.create(config(vae, clip), seed);
        model.unet().eval();
        return LatentDiffusion.of(model, vae, clip);
    }

    /** Multiplies the UNet's output layer by {@code factor}: a smoother ε (∂ε/∂x scaled by the factor). */
    public static void scaleOutput(LatentDiffusion ld, double factor) {
        try (org.bytedeco.pytorch.NoGradGuard ignored = new org.bytedeco.pytorch.NoGradGuard()) {
            ld.unet().stateDict().forEach((k, t) -> {
                if (k.startsWith("conv_out.")) {
                    t.mul_(Tensors.s(factor));
                }
            });
        }
    }

    /** Saves the bundle as root/vae, root/clip and root/ldm; returns root/ldm. */
    public static Path save(LatentDiffusion ld, Path root) {
        AutoencoderKL.save(root.resolve("vae"), ld.vae().config(), ld.vae().stateDict(), "# tiny test vae\n");
        ld.clip().save(root.resolve("clip"), ld.clip().model().stateDict(), "# tiny test clip\n");
        Path dir = root.resolve("ldm");
        ld.model().save(dir, ld.unet().stateDict(), "# tiny test ldm\n");
        return dir;
    }

    /** Images (B, 3, 16, 16) in [−1, 1], uniform noise. */
    public static Tensor images(long seed, int batch) {
        return Tensors.rand(Tensors.generator(seed), batch, 3, 16, 16).mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    public static double maxAbsDiff(Tensor a, Tensor b) {
        return Tensors.toFloats(a.sub(b).abs().max())[0];
    }
}
