package dev.retouch.diffusion.unet;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UNet2DModel: shapes, diffusers key names, the DDPM CIFAR-10 parameter count, time features, MACs, batching. */
class UNet2DModelTest {

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    private static UNet2DModel tiny(long seed) {
        UNet2DModel m = new UNet2DModel(UNet2DConfig.tiny());
        m.initialize(Tensors.generator(seed));
        return m;
    }

    private static Tensor longs(long... v) {
        return Tensor.create(v, v.length);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void outputShapeIsBatchByOutChannelsBySide() {
        UNet2DModel m = tiny(0);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor y = m.forward(Tensors.randn(Tensors.generator(1), 2, 3, 8, 8), longs(10, 900));
            assertArrayEquals(new long[]{2, 3, 8, 8}, Tensors.shape(y));
            assertTrue(Tensors.allFinite(y));
            assertTrue(Tensors.toFloats(y.abs().max())[0] > 0, "an initialised model does not output zeros");
            UNet2DConfig c = new UNet2DConfig(8, 3, 5, 8, List.of(1, 2), 1, List.of(4), 8, 4, 1e-5, 0.0, true, 0);
            UNet2DModel five = new UNet2DModel(c);
            assertArrayEquals(new long[]{1, 5, 8, 8},
                    Tensors.shape(five.forward(Tensors.randn(Tensors.generator(1), 1, 3, 8, 8), longs(3))));
        }
    }

    @Test
    void emoji32UsesDiffusersKeyNames() {
        Map<String, Tensor> sd = new UNet2DModel(UNet2DConfig.emoji32()).stateDict();
        for (String k : List.of("conv_in.weight", "time_embedding.linear_1.weight", "time_embedding.linear_2.bias",
                "down_blocks.0.resnets.0.norm1.weight", "down_blocks.0.resnets.1.conv2.bias",
                "down_blocks.0.downsamplers.0.conv.weight", "down_blocks.2.attentions.0.to_q.weight",
                "down_blocks.2.attentions.0.group_norm.weight", "down_blocks.2.attentions.1.to_out.0.weight",
                "mid_block.resnets.1.time_emb_proj.weight", "mid_block.attentions.0.to_k.bias",
                "up_blocks.0.resnets.2.conv_shortcut.weight", "up_blocks.0.upsamplers.0.conv.weight",
                "up_blocks.2.resnets.0.conv1.weight", "conv_norm_out.weight", "conv_out.bias")) {
            assertTrue(sd.containsKey(k), "missing " + k);
        }
        for (String k : List.of("down_blocks.2.downsamplers.0.conv.weight", "up_blocks.2.upsamplers.0.conv.weight",
                "down_blocks.0.attentions.0.to_q.weight", "down_blocks.0.resnets.0.conv_shortcut.weight",
                "up_blocks.0.resnets.3.conv1.weight")) {
            assertFalse(sd.containsKey(k), "unexpected " + k);
        }
        assertTrue(sd.keySet().stream().noneMatch(k -> k.startsWith("down_blocks.3") || k.startsWith("up_blocks.3")));
        assertArrayEquals(new long[]{64, 3, 3, 3}, Tensors.shape(sd.get("conv_in.weight")));
        assertArrayEquals(new long[]{256, 64}, Tensors.shape(sd.get("time_embedding.linear_1.weight")));
        assertArrayEquals(new long[]{128, 256, 1, 1}, Tensors.shape(sd.get("up_blocks.0.resnets.2.conv_shortcut.weight")));
        assertArrayEquals(new long[]{128, 128}, Tensors.shape(sd.get("down_blocks.2.attentions.0.to_q.weight")));
        assertArrayEquals(new long[]{3, 64, 3, 3}, Tensors.shape(sd.get("conv_out.weight")));
        // up block 2 (level 0) takes 128 (from below) + 64 (skip) channels in its first resnet
        assertArrayEquals(new long[]{64, 192, 3, 3}, Tensors.shape(sd.get("up_blocks.2.resnets.0.conv1.weight")));
    }

    @Test
    void ddpmCifar10ModelHasThePapersParameterCount() {
        // Ho et al. 2020: 35.7M; diffusers google/ddpm-cifar10-32 has exactly 35,746,307 parameters
        UNet2DConfig cifar = new UNet2DConfig(32, 3, 3, 128, List.of(1, 2, 2, 2), 2, List.of(16), 128, 32, 1e-6,
                0.1, true, 0);
        UNet2DModel m = new UNet2DModel(cifar);
        assertEquals(35_746_307L, m.parameterCount());
        Map<String, Tensor> sd = m.stateDict();
        assertTrue(sd.containsKey("down_blocks.1.attentions.1.to_v.weight"), "attention at the 16×16 level");
        assertFalse(sd.containsKey("down_blocks.0.attentions.0.to_v.weight"));
        assertTrue(sd.containsKey("up_blocks.2.attentions.2.to_out.0.bias"));
        assertFalse(sd.containsKey("down_blocks.3.downsamplers.0.conv.weight"));
    }

    @Test
    void sinusoidalTimeFeaturesMatchDiffusers() {
        int dim = 64;
        int half = dim / 2;
        long[] ts = {0, 1, 999};
        float[] got = Tensors.toFloats(TimestepEmbedding.sinusoidal(longs(ts), dim, true, 0));
        float[] unflipped = Tensors.toFloats(TimestepEmbedding.sinusoidal(longs(ts), dim, false, 0));
        float[] shifted = Tensors.toFloats(TimestepEmbedding.sinusoidal(longs(ts), dim, true, 1));
        assertEquals(ts.length * dim, got.length);
        for (int b = 0; b < ts.length; b++) {
            for (int k = 0; k < half; k++) {
                // diffusers get_timestep_embedding: exponent = −ln(10⁴)·k/(half − shift); flip → [cos | sin]
                double f = Math.exp(-Math.log(10000.0) * k / half);
                double fs = Math.exp(-Math.log(10000.0) * k / (half - 1));
                double tol = 2e-4;
                assertEquals(Math.cos(ts[b] * f), got[b * dim + k], tol, "cos t=" + ts[b] + " k=" + k);
                assertEquals(Math.sin(ts[b] * f), got[b * dim + half + k], tol, "sin t=" + ts[b] + " k=" + k);
                assertEquals(Math.sin(ts[b] * f), unflipped[b * dim + k], tol);
                assertEquals(Math.cos(ts[b] * f), unflipped[b * dim + half + k], tol);
                assertEquals(Math.cos(ts[b] * fs), shifted[b * dim + k], tol);
            }
        }
        // t = 0: [1…1 | 0…0]
        for (int k = 0; k < half; k++) {
            assertEquals(1f, got[k]);
            assertEquals(0f, got[half + k]);
        }
    }

    @Test
    void timeEmbeddingIsLinearSiluLinearOverTheFeatures() {
        TimestepEmbedding te = new TimestepEmbedding(8, 12, true, 0);
        te.initialize(Tensors.generator(4));
        Map<String, Tensor> sd = te.stateDict();
        Tensor t = longs(7, 300);
        Tensor e = TimestepEmbedding.sinusoidal(t, 8, true, 0);
        Tensor h = torch.silu(e.matmul(sd.get("linear_1.weight").t()).add(sd.get("linear_1.bias")));
        Tensor want = h.matmul(sd.get("linear_2.weight").t()).add(sd.get("linear_2.bias"));
        assertTrue(maxAbsDiff(Tensors.toFloats(want), Tensors.toFloats(te.forward(t))) < 1e-6);
    }

    @Test
    void macsMatchAHandCount() {
        // a single convolution: 8×8 outputs × 8 out × 3 in × 3×3
        assertEquals(8L * 8 * 8 * 3 * 9, new dev.retouch.core.nn.Conv2d(3, 8, 3, 1, 1).macs(8, 8));
        // the whole tiny model (sample 8, channels 8/16, one layer per block, attention at 4×4), counted by hand:
        long convIn = 64L * 8 * 3 * 9;                      // 13,824
        long temb = 8L * 32 + 32L * 32;                      // 1,280
        long convOut = 64L * 3 * 8 * 9;                      // 13,824
        long attn4 = 4L * 16 * 16 * 16 + 2L * 16 * 16 * 16; // 4 projections + QKᵀ + AV over 16 tokens × 16 ch
        long down0 = (64L * 8 * 8 * 9 * 2 + 32 * 8) + 16L * 8 * 8 * 9;                    // resnet 8→8, stride-2 conv
        long down1 = (16L * 16 * 8 * 9 + 16L * 16 * 16 * 9 + 16L * 16 * 8 + 32 * 16) + attn4; // resnet 8→16 + attn
        long mid = 2 * (2 * 16L * 16 * 16 * 9 + 32 * 16) + attn4;
        long up0 = (16L * 16 * 32 * 9 + 16L * 16 * 16 * 9 + 16L * 16 * 32 + 32 * 16) + attn4  // (16+16)→16
                + (16L * 16 * 24 * 9 + 16L * 16 * 16 * 9 + 16L * 16 * 24 + 32 * 16) + attn4     // (16+8)→16
                + 64L * 16 * 16 * 9;                                                            // upsample conv at 8×8
        long up1 = (64L * 8 * 24 * 9 + 64L * 8 * 8 * 9 + 64L * 8 * 24 + 32 * 8)               // (16+8)→8
                + (64L * 8 * 16 * 9 + 64L * 8 * 8 * 9 + 64L * 8 * 16 + 32 * 8);               // (8+8)→8
        long total = convIn + temb + convOut + down0 + down1 + mid + up0 + up1;
        assertEquals(1_061_376L, total);
        assertEquals(total, new UNet2DModel(UNet2DConfig.tiny()).macsPerImage());
    }

    @Test
    void forwardIsDeterministic() {
        UNet2DModel a = tiny(3);
        UNet2DModel b = tiny(3);
        Tensor x = Tensors.randn(Tensors.generator(1), 2, 3, 8, 8);
        Tensor t = longs(17, 17);
        try (NoGradGuard ignored = new NoGradGuard()) {
            float[] y1 = Tensors.toFloats(a.forward(x, t));
            assertArrayEquals(y1, Tensors.toFloats(a.forward(x, t)));
            assertArrayEquals(y1, Tensors.toFloats(b.forward(x, t)), "same init seed, same function");
            assertArrayEquals(y1, Tensors.toFloats(a.forward(x, longs(17))), "one t broadcasts over the batch");
            assertFalse(java.util.Arrays.equals(y1, Tensors.toFloats(a.forward(x, longs(18, 18)))), "t matters");
            assertFalse(java.util.Arrays.equals(y1, Tensors.toFloats(tiny(4).forward(x, t))), "seed matters");
        }
    }

    @Test
    void samplesInABatchAreIndependent() {
        UNet2DModel m = tiny(5);
        Tensor x = Tensors.randn(Tensors.generator(2), 3, 3, 8, 8);
        long[] ts = {5, 500, 999};
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor y = m.forward(x, longs(ts));
            for (int i = 0; i < 3; i++) {
                float[] alone = Tensors.toFloats(m.forward(x.narrow(0, i, 1), longs(ts[i])));
                double d = maxAbsDiff(alone, Tensors.toFloats(y.narrow(0, i, 1)));
                assertTrue(d <= 1e-5, "sample " + i + " differs by " + d);
            }
        }
    }

    @Test
    void stateDictRoundTripReproducesTheFunction() {
        UNet2DModel a = tiny(6);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> saved.put(k, v.detach().clone()));
        UNet2DModel b = new UNet2DModel(UNet2DConfig.tiny());
        b.loadStateDict(saved, true);
        Tensor x = Tensors.randn(Tensors.generator(3), 1, 3, 8, 8);
        try (NoGradGuard ignored = new NoGradGuard()) {
            assertArrayEquals(Tensors.toFloats(a.forward(x, longs(42))), Tensors.toFloats(b.forward(x, longs(42))));
        }
        assertEquals(a.parameterCount(), b.parameterCount());
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new UNet2DConfig(30, 3, 3, 8, List.of(1, 2, 2), 1, List.of(), 8, 4, 1e-5, 0, true, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNet2DConfig(8, 3, 3, 6, List.of(1, 2), 1, List.of(), 8, 4, 1e-5, 0, true, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNet2DConfig(8, 3, 3, 8, List.of(1, 2), 0, List.of(), 8, 4, 1e-5, 0, true, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UNet2DConfig(8, 3, 3, 8, List.of(1, 2), 1, List.of(), 8, 4, 1e-5, 1.0, true, 0));
        UNet2DConfig c = UNet2DConfig.emoji32();
        assertEquals(3, c.levels());
        assertEquals(8, c.resolution(2));
        assertTrue(c.attentionAt(2));
        assertFalse(c.attentionAt(1));
        assertEquals(256, c.timeEmbedDim());
    }
}
