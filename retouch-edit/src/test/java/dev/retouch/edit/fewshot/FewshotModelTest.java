package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.tensor.Tensors;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class FewshotModelTest {
    private static Tensor images(long seed, int b, int size) {
        return Tensors.rand(Tensors.generator(seed), b, 3, size, size).mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    @Test
    void autoencoderShapesAndUnitRmsLatents() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            FewshotModel m = FewshotModel.create(FewshotConfig.tiny(2), 1);
            Tensor x = images(2, 3, 16);
            SkipAutoencoder.Encoded e = m.autoencoder().encode(x);
            assertArrayEquals(new long[]{3, 4, 4, 4}, Tensors.shape(e.latent()));
            assertEquals(2, e.skips().size());
            assertArrayEquals(new long[]{3, 8, 16, 16}, Tensors.shape(e.skips().get(0)));
            assertArrayEquals(new long[]{3, 8, 8, 8}, Tensors.shape(e.skips().get(1)));
            float[] ms = Tensors.toFloats(e.latent().pow(Tensors.s(2))
                    .mean(new long[]{1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
            for (float v : ms) assertEquals(1.0, v, 1e-4);
            Tensor y = m.autoencoder().decode(e.latent(), e.skips(), Tensors.generator(3));
            assertArrayEquals(new long[]{3, 3, 16, 16}, Tensors.shape(y));
        }
    }

    @Test
    void highPassSkipsKeepOnlyDetailFinerThanTheLatentGrid() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor flat = org.bytedeco.pytorch.global.torch.full(new long[]{1, 2, 8, 8}, Tensors.s(0.7));
            assertEquals(0.0, SkipAutoencoder.highPass(flat, 4).abs().max().item_double(), 1e-6);
            float[] v = new float[64];
            for (int i = 0; i < 64; i++) v[i] = ((i / 8 + i % 8) % 2 == 0) ? 1 : -1; // checkerboard, zero mean per 4×4
            Tensor checker = Tensors.of(v, 1, 1, 8, 8);
            assertArrayEquals(v, Tensors.toFloats(SkipAutoencoder.highPass(checker, 4)), 1e-6f);
        }
    }

    @Test
    void untrainedFlowNetIsTheIdentityTransformation() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            FewshotModel m = FewshotModel.create(FewshotConfig.tiny(2), 1);
            Tensor xi = images(4, 2, 16);
            FlowField f = m.transformation(xi, images(5, 2, 16));
            assertArrayEquals(new long[]{2, 2, 16, 16}, Tensors.shape(f.flow()));
            assertArrayEquals(Tensors.toFloats(xi), Tensors.toFloats(f.apply(xi)), 1e-6f);
            assertEquals(0.0, f.features().abs().max().item_double(), 0);
        }
    }

    @Test
    void conditionAndPredictionShapesForNEqualsThree() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            FewshotConfig c = FewshotConfig.tiny(3);
            assertEquals(2, c.sources());
            assertEquals(12, c.ditConfig().inChannels()); // 2 source latents + E(x_j), 4 channels each
            FewshotModel m = FewshotModel.create(c, 1);
            Tensor xj = images(6, 2, 16);
            FewshotModel.Condition cond = m.condition(List.of(images(7, 2, 16), images(8, 2, 16)), xj);
            assertArrayEquals(new long[]{2, 2 * 16, 16}, Tensors.shape(cond.context())); // 2 sources × 4×4 tokens
            Tensor z = m.predict(Tensors.randn(Tensors.generator(9), 2, 8, 4, 4), Tensors.ofLongs(new long[]{3, 999}, 2), cond);
            assertArrayEquals(new long[]{2, 4, 4, 4}, Tensors.shape(z));
            assertArrayEquals(new long[]{2, 3, 16, 16}, Tensors.shape(m.decode(z, cond, null)));
        }
    }

    @Test
    void emojiConfigFitsTheShippingBudget() {
        try (PointerScope ignored = new PointerScope()) {
            FewshotModel m = new FewshotModel(FewshotConfig.emoji(2));
            long params = m.parameterCount();
            FewshotModel.Macs macs = m.macs();
            DirectRegressor r = new DirectRegressor(RegressorConfig.emoji());
            System.err.printf(Locale.ROOT, "fewshot emoji: %,d parameters (%.1f MB fp16); MACs per sample: M_x %.1fM, "
                            + "M_e %.1fM, E %.1fM, D %.1fM, M_y %.1fM; training sample %.0fM; edit (10 steps) %.0fM%n"
                            + "pix2pix emoji: %,d parameters, %.1fM MACs%n",
                    params, params * 2 / 1e6, macs.flowNet() / 1e6, macs.flowEmbed() / 1e6, macs.encoder() / 1e6,
                    macs.decoder() / 1e6, macs.denoiser() / 1e6, macs.trainingSample(1) / 1e6, macs.edit(1, 10, 1) / 1e6,
                    r.parameterCount(), r.macs() / 1e6);
            assertTrue(params * 2 < 20_000_000, "fp16 weights must fit in 20 MB");
        }
    }

    @Test
    void configsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new FewshotConfig(64, 0, FewshotConfig.emoji(2).autoencoder(),
                List.of(32, 64), 8, 128, new DenoiserShape(2, 128, 4, 4, 4), FewshotConfig.linearSample()));
        assertThrows(IllegalArgumentException.class, () -> new FewshotConfig(64, 2, FewshotConfig.emoji(2).autoencoder(),
                List.of(32, 64), 8, 128, new DenoiserShape(2, 128, 4, 4, 4),
                dev.retouch.diffusion.schedule.NoiseScheduleConfig.ddpmLinear()));
        assertThrows(IllegalArgumentException.class, () -> EffectConfig.tiny(EffectVariant.NN, 1));
        assertThrows(IllegalArgumentException.class, () -> new SamplingConfig(0, 1, 1));
        assertArrayEquals(new int[]{999, 666, 333, 0}, new SamplingConfig(4, 1, 1).timesteps(1000));
        assertArrayEquals(new int[]{500, 250, 0}, new SamplingConfig(3, 0.5, 1).timesteps(1001));
        assertArrayEquals(new int[]{1, 0}, new SamplingConfig(10, 0.001, 1).timesteps(1001));
    }
}
