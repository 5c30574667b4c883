package dev.retouch.diffusion.vae;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.VaeTask;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoencoderKL: diffusers names and counts, shapes, posterior maths, scaling factor, save/load, training. */
class AutoencoderKLTest {

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    static AutoencoderKLConfig tinyConfig() {
        return new AutoencoderKLConfig(16, 3, 3, 4, List.of(8, 16), 1, 4, 1e-6, 1.0);
    }

    static AutoencoderKL tiny(long seed) {
        AutoencoderKL vae = new AutoencoderKL(tinyConfig());
        vae.initialize(Tensors.generator(seed));
        return vae;
    }

    @Test
    void stableDiffusionConfigHasDiffusersNamesAndParameterCount() {
        AutoencoderKL sd = new AutoencoderKL(AutoencoderKLConfig.stableDiffusion());
        // the parameter count of Stable Diffusion 1.x's vae/diffusion_pytorch_model.safetensors
        assertEquals(83_653_863L, sd.parameterCount());
        Map<String, Tensor> p = sd.namedParameters();
        Map<String, long[]> expected = Map.of(
                "encoder.conv_in.weight", new long[]{128, 3, 3, 3},
                "encoder.down_blocks.0.downsamplers.0.conv.weight", new long[]{128, 128, 3, 3},
                "encoder.down_blocks.1.resnets.0.conv_shortcut.weight", new long[]{256, 128, 1, 1},
                "encoder.mid_block.attentions.0.to_q.weight", new long[]{512, 512},
                "encoder.mid_block.attentions.0.group_norm.weight", new long[]{512},
                "encoder.conv_out.weight", new long[]{8, 512, 3, 3},
                "quant_conv.weight", new long[]{8, 8, 1, 1},
                "post_quant_conv.weight", new long[]{4, 4, 1, 1},
                "decoder.up_blocks.3.resnets.2.conv2.weight", new long[]{128, 128, 3, 3},
                "decoder.up_blocks.2.resnets.0.conv_shortcut.weight", new long[]{256, 512, 1, 1});
        expected.forEach((k, shape) -> {
            assertTrue(p.containsKey(k), "missing " + k);
            assertArrayEquals(shape, Tensors.shape(p.get(k)), k);
        });
        assertTrue(p.containsKey("decoder.mid_block.attentions.0.to_out.0.bias"));
        assertTrue(!p.containsKey("decoder.up_blocks.3.upsamplers.0.conv.weight"), "the last decoder level keeps its size");
    }

    @Test
    void encodesToTheLatentGridAndDecodesBack() {
        AutoencoderKL vae = tiny(1);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = Tensors.rand(Tensors.generator(2), 2, 3, 16, 16).mul(Tensors.s(2)).sub(Tensors.s(1));
            DiagonalGaussian q = vae.encode(x);
            assertArrayEquals(new long[]{2, 4, 8, 8}, Tensors.shape(q.mean()));
            assertArrayEquals(new long[]{2, 3, 16, 16}, Tensors.shape(vae.decode(q.mode())));
            Tensor nonSquare = Tensors.rand(Tensors.generator(2), 1, 3, 8, 24);
            assertArrayEquals(new long[]{1, 4, 4, 12}, Tensors.shape(vae.encodeLatents(nonSquare)));
            RetouchException e = assertThrows(RetouchException.class,
                    () -> vae.encode(Tensors.rand(Tensors.generator(2), 1, 3, 15, 16)));
            assertTrue(e.getMessage().contains("multiples of 2"), e.getMessage());
        }
    }

    @Test
    void posteriorKlAndSamplingFollowTheClosedForm() {
        // moments: mean 0.5 everywhere, log-variance log(0.25) → KL per element ½(0.25 + 0.25 − 1 − ln 0.25)
        Tensor moments = Tensors.cat(1, torch.full(new long[]{1, 2, 3, 3}, Tensors.s(0.5)),
                torch.full(new long[]{1, 2, 3, 3}, Tensors.s(Math.log(0.25))));
        DiagonalGaussian q = new DiagonalGaussian(moments);
        double perElement = 0.5 * (0.25 + 0.25 - 1 - Math.log(0.25));
        assertEquals(18 * perElement, q.kl().item_double(), 1e-5);
        Tensor z = q.sample(Tensors.generator(0));
        Tensor eps = Tensors.randn(Tensors.generator(0), 1, 2, 3, 3);
        assertArrayEquals(Tensors.toFloats(eps.mul(Tensors.s(0.5)).add(Tensors.s(0.5))), Tensors.toFloats(z), 1e-6f);
        Tensor clamped = new DiagonalGaussian(Tensors.cat(1, torch.zeros(1, 1, 1, 1),
                torch.full(new long[]{1, 1, 1, 1}, Tensors.s(99)))).logvar();
        assertEquals(20.0, clamped.item_double(), 0.0);
    }

    @Test
    void scalingFactorIsTheInverseLatentStandardDeviation() {
        AutoencoderKL vae = tiny(3);
        Tensor x = Tensors.rand(Tensors.generator(4), 6, 3, 16, 16);
        double scale = VaeScores.scalingFactor(vae, x, 4);
        try (NoGradGuard g = new NoGradGuard()) {
            double std = vae.encode(x).mode().to(torch.ScalarType.Double).std().item_double();
            double n = 6 * 4 * 8 * 8;
            assertEquals(1 / (std * Math.sqrt((n - 1) / n)), scale, 1e-3 * scale);
            AutoencoderKL scaled = new AutoencoderKL(vae.config().withScalingFactor(scale));
            scaled.loadStateDict(vae.stateDict(), true);
            Tensor z = scaled.encodeLatents(x);
            assertEquals(1.0, z.to(torch.ScalarType.Double).std().item_double(), 0.01);
        }
    }

    @Test
    void saveAndLoadRoundTripThroughAModelDirectory(@TempDir Path dir) {
        AutoencoderKL vae = tiny(5);
        AutoencoderKLConfig cfg = vae.config().withScalingFactor(0.5);
        AutoencoderKL.save(dir, cfg, vae.stateDict(), "# tiny\n");
        AutoencoderKL back = AutoencoderKL.load(dir);
        assertEquals(0.5, back.config().scalingFactor());
        assertEquals(cfg, Json.read(dir.resolve("config.json"), AutoencoderKLConfig.class));
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = Tensors.rand(Tensors.generator(6), 1, 3, 16, 16);
            // fp16 storage: outputs agree to fp16 precision
            float[] a = Tensors.toFloats(vae.decode(vae.encode(x).mode()));
            float[] b = Tensors.toFloats(back.decode(back.encode(x).mode()));
            assertArrayEquals(a, b, 2e-2f);
        }
    }

    @Test
    void configRejectsBadStructure() {
        assertThrows(IllegalArgumentException.class,
                () -> new AutoencoderKLConfig(16, 3, 3, 4, List.of(8, 12), 1, 8, 1e-6, 1.0));
        assertThrows(IllegalArgumentException.class,
                () -> new AutoencoderKLConfig(18, 3, 3, 4, List.of(8, 8, 8), 1, 4, 1e-6, 1.0));
        assertThrows(IllegalArgumentException.class,
                () -> new AutoencoderKLConfig(16, 3, 3, 4, List.of(8, 8), 1, 4, 1e-6, 0.0));
    }

    @Test
    void trainingReducesTheReconstructionLoss(@TempDir Path run) {
        AutoencoderKL vae = tiny(7);
        // four smooth two-colour images
        Tensor data = Tensors.rand(Tensors.generator(8), 4, 3, 1, 1).mul(Tensors.s(2)).sub(Tensors.s(1))
                .expand(4, 3, 16, 16).contiguous();
        Tensor before;
        try (NoGradGuard g = new NoGradGuard()) {
            before = torch.l1_loss(vae.decode(vae.encode(data).mode()), data);
        }
        TrainConfig tc = new TrainConfig(60, 4, 3e-3, 0, 0.0, 1.0, 0.0, 0, 0);
        new Trainer(new VaeTask(vae, data, 0.5, 1e-3, 16), tc, run).run((s, t, l) -> true);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor after = torch.l1_loss(vae.decode(vae.encode(data).mode()), data);
            assertTrue(after.item_double() < 0.75 * before.item_double(),
                    "L1 " + before.item_double() + " → " + after.item_double());
        }
    }

    @Test
    void decoderOnlyTrainingKeepsTheEncoderAndTheLatents(@TempDir Path run) {
        AutoencoderKL vae = tiny(7);
        Tensor data = Tensors.rand(Tensors.generator(8), 4, 3, 1, 1).mul(Tensors.s(2)).sub(Tensors.s(1))
                .expand(4, 3, 16, 16).contiguous();
        Map<String, Tensor> start = new java.util.HashMap<>();
        vae.stateDict().forEach((k, t) -> start.put(k, t.clone()));
        Tensor latentsBefore;
        Tensor lossBefore;
        try (NoGradGuard g = new NoGradGuard()) {
            latentsBefore = vae.encode(data).mode();
            lossBefore = torch.l1_loss(vae.decode(latentsBefore), data);
        }
        TrainConfig tc = new TrainConfig(60, 4, 3e-3, 0, 0.0, 1.0, 0.0, 0, 0);
        new Trainer(new VaeTask(vae, data, 0.5, 1e-3, 16, true, 1.0), tc, run).run((s, t, l) -> true);
        int decoderChanged = 0;
        for (var e : vae.stateDict().entrySet()) {
            boolean same = torch.equal(e.getValue(), start.get(e.getKey()));
            if (e.getKey().startsWith("encoder.") || e.getKey().startsWith("quant_conv.")) {
                assertTrue(same, e.getKey() + " changed although the encoder is frozen");
            } else if (!same) {
                decoderChanged++;
            }
        }
        assertTrue(decoderChanged > 10, "only " + decoderChanged + " decoder tensors changed");
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor latentsAfter = vae.encode(data).mode();
            assertTrue(torch.equal(latentsBefore, latentsAfter), "the latents moved");
            // a random encoder's latents limit what a decoder alone can do: ask for a clear, not a large, gain
            Tensor lossAfter = torch.l1_loss(vae.decode(latentsAfter), data);
            assertTrue(lossAfter.item_double() < 0.9 * lossBefore.item_double(),
                    "L1 " + lossBefore.item_double() + " → " + lossAfter.item_double());
        }
    }
}
