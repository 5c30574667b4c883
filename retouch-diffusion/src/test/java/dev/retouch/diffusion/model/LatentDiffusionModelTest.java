package dev.retouch.diffusion.model;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.PredictionType;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LdmConfig, LatentDiffusionModel and the LatentDiffusion bundle: derivation, directory round trip, fit checks. */
class LatentDiffusionModelTest {
    @TempDir
    Path root;

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    @Test
    void configIsDerivedFromTheAutoencoderAndTheTextEncoder() {
        AutoencoderKL vae = TinyLatentDiffusion.vae(1);
        Clip clip = TinyLatentDiffusion.clip(2);
        LdmConfig c = TinyLatentDiffusion.config(vae, clip);
        assertEquals(16, c.unet().crossAttentionDim(), "the text width, not the structure's 12");
        assertEquals(4, c.unet().inChannels());
        assertEquals(4, c.unet().outChannels());
        assertArrayEquals(new long[]{4, 8, 8}, c.latentShape());
        assertEquals(BetaSchedule.SCALED_LINEAR, c.noise().betaSchedule());
        assertEquals(0.00085, c.noise().betaStart());
        assertEquals(0.012, c.noise().betaEnd());
        assertEquals(1000, c.noise().numTrainTimesteps());
        assertEquals(PredictionType.EPSILON, c.noise().predictionType());
        assertEquals(root.resolve("vae"), c.vaeDir(root.resolve("ldm")));
        assertEquals(root.resolve("clip"), c.textEncoderDir(root.resolve("ldm")));
        // the emoji structure takes emoji-clip's width
        LdmConfig emoji = LdmConfig.of(dev.retouch.diffusion.unet.UNet2DConditionConfig.emoji(),
                AutoencoderKLConfig.emoji(), 128, "../emoji-vae", "../emoji-clip");
        assertEquals(128, emoji.unet().crossAttentionDim());
        assertEquals(16, emoji.unet().sampleSize());
    }

    @Test
    void saveThenLoadGivesIdenticalPredictionsAndTheRelativeComponentPaths() throws Exception {
        LatentDiffusion ld = TinyLatentDiffusion.create(3);
        Path dir = TinyLatentDiffusion.save(ld, root);
        String json = Files.readString(dir.resolve(ModelDirectory.CONFIG));
        assertTrue(json.contains("\"type\": \"latent-diffusion\""), json);
        assertTrue(json.contains("\"vae\": \"../vae\"") && json.contains("\"textEncoder\": \"../clip\""), json);
        assertEquals(torch.ScalarType.Half, Tensors.dtype(ModelDirectory.open(dir).weights().values().iterator().next()));

        LatentDiffusion loaded = LatentDiffusion.load(dir);
        assertEquals(ld.model().config(), loaded.model().config());
        // the stored weights are fp16: round the original's the same way, then predictions must agree exactly
        Map<String, Tensor> rounded = new LinkedHashMap<>();
        ld.unet().stateDict().forEach((k, t) -> rounded.put(k, t.to(torch.ScalarType.Half).to(torch.ScalarType.Float)));
        ld.unet().loadStateDict(rounded, true);
        Tensor z = Tensors.randn(Tensors.generator(4), 2, 4, 8, 8);
        Tensor ctx = Tensors.randn(Tensors.generator(5), 2, TinyLatentDiffusion.CONTEXT, 16);
        Tensor t = Tensor.create(new long[]{10, 700}, 2);
        try (NoGradGuard ignored = new NoGradGuard()) {
            assertArrayEquals(Tensors.toFloats(ld.unet().forward(z, t, ctx)),
                    Tensors.toFloats(loaded.unet().forward(z, t, ctx)));
            Tensor ids = ld.clip().tokenize(List.of("red heart")).ids();
            assertTrue(TinyLatentDiffusion.maxAbsDiff(ld.clip().hiddenStates(ids), loaded.clip().hiddenStates(ids)) < 1e-2,
                    "the text encoder is the saved one");
        }
        assertEquals(16, loaded.imageSize());
        assertEquals(8, loaded.sizeMultiple(), "the autoencoder's 2 × the UNet's 4");
    }

    @Test
    void aTextEncoderOfAnotherWidthIsRejectedNamingBothSides() {
        LatentDiffusion ld = TinyLatentDiffusion.create(6);
        Path dir = TinyLatentDiffusion.save(ld, root);
        ClipConfig t = ClipConfig.tiny(1, TinyLatentDiffusion.CONTEXT, 0);
        ClipConfig wide = new ClipConfig(new ClipConfig.Text(1, 8, 24, 1, 2, 32, 1e-5, t.text().activation(), 0),
                t.vision(), 16, t.logitScaleInit());
        Clip other = TinyLatentDiffusion.clip(7, wide);
        other.save(root.resolve("clip"), other.model().stateDict(), "# wider\n");
        RetouchException e = assertThrows(RetouchException.class, () -> LatentDiffusion.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("config.json").toString()) && m.contains("crossAttentionDim is 16")
                && m.contains(root.resolve("clip").toString()) && m.contains("text width 24"), m);
        RetouchException direct = assertThrows(RetouchException.class,
                () -> LatentDiffusion.of(ld.model(), ld.vae(), other));
        assertTrue(direct.getMessage().contains("crossAttentionDim is 16 but the text encoder has text width 24"),
                direct.getMessage());
    }

    @Test
    void anAutoencoderWithOtherLatentChannelsIsRejected() {
        LatentDiffusion ld = TinyLatentDiffusion.create(8);
        Path dir = TinyLatentDiffusion.save(ld, root);
        AutoencoderKLConfig c = AutoencoderKLConfig.tiny();
        AutoencoderKLConfig eight = new AutoencoderKLConfig(c.sampleSize(), 3, 3, 8, c.blockOutChannels(),
                c.layersPerBlock(), c.normGroups(), c.normEps(), 1.0);
        AutoencoderKL vae = TinyLatentDiffusion.vae(9, eight);
        AutoencoderKL.save(root.resolve("vae"), eight, vae.stateDict(), "# eight channels\n");
        RetouchException e = assertThrows(RetouchException.class, () -> LatentDiffusion.load(dir));
        assertTrue(e.getMessage().contains("reads 4 latent channels") && e.getMessage().contains("has 8")
                && e.getMessage().contains(root.resolve("vae").toString()), e.getMessage());
    }

    @Test
    void aMissingComponentIsNamedWithTheConfigField() throws Exception {
        LatentDiffusion ld = TinyLatentDiffusion.create(10);
        Path dir = TinyLatentDiffusion.save(ld, root);
        Files.move(root.resolve("vae"), root.resolve("elsewhere"));
        RetouchException e = assertThrows(RetouchException.class, () -> LatentDiffusion.load(dir));
        assertTrue(e.getMessage().contains("config.json: vae '../vae'") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void configValidation() {
        LdmConfig c = TinyLatentDiffusion.config(TinyLatentDiffusion.vae(1), TinyLatentDiffusion.clip(2));
        assertThrows(IllegalArgumentException.class, () -> new LdmConfig("ddpm-unet2d", c.unet(), c.noise(), "a", "b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LdmConfig(LdmConfig.TYPE, c.unet(), c.noise(), " ", "b"));
        assertTrue(e.getMessage().contains("'vae'"), e.getMessage());
    }
}
