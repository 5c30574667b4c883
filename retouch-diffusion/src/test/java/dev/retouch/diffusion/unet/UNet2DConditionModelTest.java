package dev.retouch.diffusion.unet;

import dev.retouch.core.io.Json;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UNet2DConditionModel: shapes at any multiple-of-2^(levels−1) size, cross-attention wiring, gradients, model
 * directory round trip, diffusers key names of the Stable Diffusion 1.5 structure, and the Stable Diffusion 1.5 and
 * 2.x parameter counts from an independent count of the architecture.
 */
class UNet2DConditionModelTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    static UNet2DConditionModel tiny(long seed) {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.tiny());
        m.initialize(Tensors.generator(seed));
        return m;
    }

    private static Tensor longs(long... v) {
        return Tensor.create(v, v.length);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return Tensors.toFloats(a.sub(b).abs().max())[0];
    }

    @Test
    void outputHasTheSampleShapeAtAnyMultipleOfFour() {
        UNet2DConditionModel m = tiny(0);
        Tensor context = Tensors.randn(Tensors.generator(1), 2, 5, 12);
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (long[] hw : new long[][]{{8, 8}, {12, 8}, {4, 16}}) {
                Tensor x = Tensors.randn(Tensors.generator(2), 2, 4, hw[0], hw[1]);
                Tensor y = m.forward(x, longs(10, 900), context);
                assertArrayEquals(new long[]{2, 4, hw[0], hw[1]}, Tensors.shape(y));
                assertTrue(Tensors.allFinite(y));
            }
            Tensor floatTimes = Tensors.of(new float[]{10f, 900f}, 2);
            Tensor x = Tensors.randn(Tensors.generator(3), 2, 4, 8, 8);
            assertTrue(maxAbsDiff(m.forward(x, longs(10, 900), context), m.forward(x, floatTimes, context)) < 1e-6,
                    "float and integer timesteps give the same features");
            assertTrue(maxAbsDiff(m.forward(x, longs(10, 10), context), m.forward(x, longs(10), context)) < 1e-6,
                    "one timestep broadcasts over the batch");
        }
    }

    @Test
    void positionalHookIsOptionalAndAddsAfterConvIn() {
        UNet2DConditionModel m = tiny(3);
        Tensor context = Tensors.randn(Tensors.generator(1), 2, 5, 12);
        Tensor x = Tensors.randn(Tensors.generator(2), 2, 4, 8, 12);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor plain = m.forward(x, longs(10, 900), context);
            assertEquals(0.0, maxAbsDiff(plain, m.forward(x, longs(10, 900), context, null)), "null = unchanged");
            Tensor zero = torch.zeros(1, 8, 8, 12);
            assertEquals(0.0, maxAbsDiff(plain, m.forward(x, longs(10, 900), context, zero)), 1e-6);
            Tensor pe = Tensors.randn(Tensors.generator(3), 1, 8, 8, 12);
            assertTrue(maxAbsDiff(plain, m.forward(x, longs(10, 900), context, pe)) > 1e-3);
            // a per-sample tensor (B, C0, H, W) works too; a wrong shape names the expected one
            m.forward(x, longs(10, 900), context, pe.expand(2, -1, -1, -1).contiguous());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.forward(x, longs(10, 900), context, torch.zeros(1, 8, 8, 8)));
            assertTrue(e.getMessage().contains("positional"), e.getMessage());
        }
    }

    @Test
    void badInputsFailNamingTheExpectedShape() {
        UNet2DConditionModel m = tiny(0);
        Tensor ctx = torch.zeros(1, 3, 12);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(torch.zeros(1, 4, 6, 8), longs(1), ctx)).getMessage();
        assertTrue(msg.contains("multiples of 4") && msg.contains("[1, 4, 6, 8]"), msg);
        assertThrows(IllegalArgumentException.class, () -> m.forward(torch.zeros(1, 3, 8, 8), longs(1), ctx));
        msg = assertThrows(IllegalArgumentException.class,
                () -> m.forward(torch.zeros(1, 4, 8, 8), longs(1), torch.zeros(1, 3, 7))).getMessage();
        assertTrue(msg.contains("(1, M, 12)") && msg.contains("[1, 3, 7]"), msg);
        assertThrows(IllegalArgumentException.class, () -> m.forward(torch.zeros(1, 4, 8, 8), longs(1), null));
        assertThrows(IllegalArgumentException.class,
                () -> m.forward(torch.zeros(2, 4, 8, 8), longs(1, 2, 3), torch.zeros(2, 3, 12)));
    }

    @Test
    void theContextChangesTheOutputAndSamplesStayIndependent() {
        UNet2DConditionModel m = tiny(5);
        Tensor x = Tensors.randn(Tensors.generator(2), 2, 4, 8, 8);
        Tensor c1 = Tensors.randn(Tensors.generator(3), 2, 5, 12);
        Tensor c2 = Tensors.randn(Tensors.generator(4), 2, 5, 12);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor y1 = m.forward(x, longs(50, 50), c1);
            assertTrue(maxAbsDiff(y1, m.forward(x, longs(50, 50), c2)) > 1e-3, "cross-attention is wired");
            assertTrue(maxAbsDiff(y1, m.forward(x, longs(51, 51), c1)) > 1e-4, "the timestep matters");
            Tensor longer = Tensors.cat(1, c1, c1.narrow(1, 0, 2));
            assertArrayEquals(new long[]{2, 4, 8, 8}, Tensors.shape(m.forward(x, longs(50, 50), longer)),
                    "any number of context tokens");
            for (int i = 0; i < 2; i++) {
                Tensor alone = m.forward(x.narrow(0, i, 1), longs(50), c1.narrow(0, i, 1));
                assertTrue(maxAbsDiff(alone, y1.narrow(0, i, 1)) < 1e-5, "sample " + i);
            }
        }
    }

    @Test
    void gradientsReachEveryParameter() {
        for (boolean linear : new boolean[]{false, true}) {
            UNet2DConditionConfig t = UNet2DConditionConfig.tiny();
            UNet2DConditionConfig c = new UNet2DConditionConfig(8, 4, 4, t.blockOutChannels(), 1, t.crossAttention(),
                    12, 0, 8, 2, linear, 4, 1e-5, 0.0, true, 0);
            UNet2DConditionModel m = new UNet2DConditionModel(c);
            m.initialize(Tensors.generator(7));
            Tensor y = m.forward(Tensors.randn(Tensors.generator(1), 2, 4, 8, 8), longs(3, 700),
                    Tensors.randn(Tensors.generator(2), 2, 3, 12));
            y.square().mean().backward();
            List<String> without = new ArrayList<>();
            m.namedParameters().forEach((name, p) -> {
                if (!p.grad().defined() || Tensors.toFloats(p.grad().abs().max())[0] == 0f) {
                    without.add(name);
                }
            });
            assertEquals(List.of(), without, "parameters without gradient (linear projection " + linear + ")");
        }
    }

    @Test
    void modelDirectoryRoundTripReproducesTheFunction() {
        UNet2DConditionModel a = tiny(6);
        ModelDirectory.save(dir, a.config(), a.stateDict(), "tiny test model\n");
        ModelDirectory md = ModelDirectory.open(dir);
        UNet2DConditionConfig config = md.config(UNet2DConditionConfig.class);
        assertEquals(a.config(), config);
        UNet2DConditionModel b = new UNet2DConditionModel(config);
        b.loadStateDict(md.weights(), true);
        Tensor x = Tensors.randn(Tensors.generator(3), 1, 4, 8, 8);
        Tensor ctx = Tensors.randn(Tensors.generator(4), 1, 5, 12);
        try (NoGradGuard ignored = new NoGradGuard()) {
            assertArrayEquals(Tensors.toFloats(a.forward(x, longs(42), ctx)), Tensors.toFloats(b.forward(x, longs(42), ctx)));
        }
    }

    @Test
    void configRoundTripsThroughJsonAndIsValidated() {
        for (UNet2DConditionConfig c : List.of(UNet2DConditionConfig.stableDiffusion15(),
                UNet2DConditionConfig.stableDiffusion2(), UNet2DConditionConfig.emoji(), UNet2DConditionConfig.tiny())) {
            assertEquals(c, Json.fromJson(Json.toJson(c), UNet2DConditionConfig.class));
        }
        UNet2DConditionConfig sd = UNet2DConditionConfig.stableDiffusion15();
        assertEquals(List.of(8, 8, 8, 8), List.of(sd.heads(0), sd.heads(1), sd.heads(2), sd.heads(3)));
        assertEquals(List.of(40, 80, 160), List.of(sd.headDim(0), sd.headDim(1), sd.headDim(2)));
        UNet2DConditionConfig sd2 = UNet2DConditionConfig.stableDiffusion2();
        assertEquals(List.of(5, 10, 20, 20), List.of(sd2.heads(0), sd2.heads(1), sd2.heads(2), sd2.heads(3)));
        assertEquals(1280, sd.timeEmbedDim());
        assertEquals(8, sd.sizeMultiple());
        List<Integer> ch = List.of(8, 16);
        List<Boolean> cross = List.of(false, true);
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, List.of(true), 12, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("crossAttention has 1 entries for 2 levels"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, cross, 12, 2, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("exactly one of attentionHeads and attentionHeadDim"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, cross, 12, 0, 0, 1, false, 4, 1e-5, 0, true, 0))
                .contains("exactly one of"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, cross, 12, 3, 0, 1, false, 4, 1e-5, 0, true, 0))
                .contains("not divisible into 3 heads"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, List.of(8, 12), 1, cross, 12, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("heads of width 8"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(6, 4, 4, List.of(8, 8, 8), 1, List.of(true, true, true), 12, 0, 8, 1,
                false, 4, 1e-5, 0, true, 0)).contains("sampleSize 6 not divisible by 2^2"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, List.of(6, 16), 1, cross, 12, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("not divisible by normGroups"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 0, cross, 12, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("layers per block"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, cross, 0, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("crossAttentionDim"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, null, 1, cross, 12, 0, 8, 1, false, 4, 1e-5, 0, true, 0))
                .contains("required"));
        assertTrue(invalid(() -> new UNet2DConditionConfig(8, 4, 4, ch, 1, cross, 12, 0, 8, 1, false, 4, 1e-5, 1.0, true, 0))
                .contains("dropout"));
    }

    private static String invalid(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    /** Stable Diffusion 1.5's structure at 1/8 of its width: the same key names, small tensors. */
    static UNet2DConditionConfig stableDiffusion15Narrow() {
        UNet2DConditionConfig sd = UNet2DConditionConfig.stableDiffusion15();
        return new UNet2DConditionConfig(64, 4, 4, List.of(40, 80, 160, 160), 2, sd.crossAttention(), 96, 8, 0, 1,
                false, 8, 1e-5, 0.0, true, 0);
    }

    /** Keys of diffusers' runwayml/stable-diffusion-v1-5 unet that every structural part must produce. */
    static final List<String> SD15_KEYS = List.of(
            "conv_in.weight", "conv_in.bias", "time_embedding.linear_1.weight", "time_embedding.linear_2.bias",
            "down_blocks.0.resnets.0.norm1.weight", "down_blocks.0.resnets.0.time_emb_proj.weight",
            "down_blocks.0.attentions.0.norm.weight", "down_blocks.0.attentions.0.proj_in.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_out.0.bias",
            "down_blocks.0.attentions.1.transformer_blocks.0.norm3.bias", "down_blocks.0.downsamplers.0.conv.weight",
            "down_blocks.1.resnets.0.conv_shortcut.weight",
            "down_blocks.2.attentions.1.transformer_blocks.0.ff.net.0.proj.weight",
            "down_blocks.3.resnets.1.conv2.weight", "mid_block.resnets.0.conv1.weight", "mid_block.resnets.1.norm2.weight",
            "mid_block.attentions.0.proj_in.weight", "mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight",
            "mid_block.attentions.0.proj_out.bias", "up_blocks.0.resnets.2.conv1.weight",
            "up_blocks.0.resnets.2.conv_shortcut.weight", "up_blocks.0.upsamplers.0.conv.weight",
            "up_blocks.1.attentions.2.proj_out.weight", "up_blocks.2.upsamplers.0.conv.bias",
            "up_blocks.3.resnets.0.conv1.weight", "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight",
            "up_blocks.3.attentions.2.transformer_blocks.0.attn1.to_v.weight", "conv_norm_out.weight", "conv_out.bias");

    /** Keys that the Stable Diffusion 1.5 unet does not have. */
    static final List<String> SD15_ABSENT = List.of(
            "down_blocks.3.attentions.0.norm.weight", "down_blocks.3.downsamplers.0.conv.weight",
            "up_blocks.0.attentions.0.norm.weight", "up_blocks.3.upsamplers.0.conv.weight",
            "down_blocks.0.resnets.0.conv_shortcut.weight", "down_blocks.0.resnets.2.conv1.weight",
            "up_blocks.0.resnets.3.conv1.weight", "mid_block.resnets.2.conv1.weight",
            "down_blocks.0.attentions.0.transformer_blocks.1.norm1.weight",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias",
            "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.bias");

    static void assertStableDiffusion15Keys(Map<String, Tensor> sd) {
        for (String k : SD15_KEYS) {
            assertTrue(sd.containsKey(k), "missing " + k);
        }
        for (String k : SD15_ABSENT) {
            assertFalse(sd.containsKey(k), "unexpected " + k);
        }
        assertTrue(sd.keySet().stream().noneMatch(k -> k.startsWith("time_proj") || k.contains(".bias.")));
        assertEquals(686, sd.size(), "tensors in diffusers' SD 1.5 unet");
    }

    @Test
    void stableDiffusion15StructureHasDiffusersKeyNames() {
        UNet2DConditionModel m = new UNet2DConditionModel(stableDiffusion15Narrow());
        Map<String, Tensor> sd = m.stateDict();
        assertStableDiffusion15Keys(sd);
        assertArrayEquals(new long[]{40, 40, 1, 1}, Tensors.shape(sd.get("down_blocks.0.attentions.0.proj_in.weight")));
        assertArrayEquals(new long[]{40, 96},
                Tensors.shape(sd.get("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight")));
        assertArrayEquals(new long[]{40, 120, 3, 3}, Tensors.shape(sd.get("up_blocks.3.resnets.0.conv1.weight")));
        assertEquals(analyticParameterCount(m.config()), m.parameterCount());
    }

    @Test
    void stableDiffusionParameterCountsFromTheArchitecture() {
        // diffusers: runwayml/stable-diffusion-v1-5 unet 859,520,964; stabilityai/stable-diffusion-2-1 865,910,724
        assertEquals(859_520_964L, analyticParameterCount(UNet2DConditionConfig.stableDiffusion15()));
        assertEquals(865_910_724L, analyticParameterCount(UNet2DConditionConfig.stableDiffusion2()));
        // the independent count agrees with the module tree on structures that vary every option
        UNet2DConditionConfig t = UNet2DConditionConfig.tiny();
        List<UNet2DConditionConfig> configs = List.of(t, UNet2DConditionConfig.emoji(),
                new UNet2DConditionConfig(16, 3, 5, List.of(8, 16, 24, 24), 2, List.of(true, false, true, false), 7, 2, 0,
                        2, true, 4, 1e-6, 0.1, false, 1),
                new UNet2DConditionConfig(8, 4, 4, List.of(16), 3, List.of(false), 5, 0, 4, 3, false, 8, 1e-5, 0, true, 0));
        for (UNet2DConditionConfig c : configs) {
            assertEquals(analyticParameterCount(c), new UNet2DConditionModel(c).parameterCount(), c.toString());
        }
    }

    /** The parameter count of the diffusers architecture, written out from its definition (independent of the code). */
    static long analyticParameterCount(UNet2DConditionConfig c) {
        long c0 = c.channels(0);
        long t = c.timeEmbedDim();
        long p = conv(c.inChannels(), c0, 3) + linear(c0, t) + linear(t, t);
        int n = c.levels();
        int layers = c.layersPerBlock();
        for (int i = 0; i < n; i++) {
            long in = c.channels(Math.max(i - 1, 0));
            long out = c.channels(i);
            for (int j = 0; j < layers; j++) {
                p += resnet(j == 0 ? in : out, out, t) + (c.crossAttentionAt(i) ? transformer(c, out) : 0);
            }
            p += i < n - 1 ? conv(out, out, 3) : 0;
        }
        long last = c.channels(n - 1);
        p += 2 * resnet(last, last, t) + transformer(c, last);
        for (int level = n - 1; level >= 0; level--) {
            long prev = c.channels(Math.min(level + 1, n - 1));
            long out = c.channels(level);
            long skipIn = c.channels(Math.max(level - 1, 0));
            for (int j = 0; j <= layers; j++) {
                long in = (j == 0 ? prev : out) + (j == layers ? skipIn : out);
                p += resnet(in, out, t) + (c.crossAttentionAt(level) ? transformer(c, out) : 0);
            }
            p += level > 0 ? conv(out, out, 3) : 0;
        }
        return p + 2 * c0 + conv(c0, c.outChannels(), 3);
    }

    private static long conv(long in, long out, long k) {
        return in * out * k * k + out;
    }

    private static long linear(long in, long out) {
        return in * out + out;
    }

    private static long resnet(long in, long out, long temb) {
        return 2 * in + conv(in, out, 3) + linear(temb, out) + 2 * out + conv(out, out, 3)
                + (in != out ? conv(in, out, 1) : 0);
    }

    /** GroupNorm, proj_in/out (1×1 conv or linear: same count), blocks of 3 LayerNorms, attn1, attn2, GEGLU ff. */
    private static long transformer(UNet2DConditionConfig c, long ch) {
        long d = ch; // heads × head width = channels
        long x = c.crossAttentionDim();
        long block = 3 * 2 * d + (3 * d * d + linear(d, d)) + (d * d + 2 * x * d + linear(d, d))
                + linear(d, 8 * d) + linear(4 * d, d);
        return 2 * ch + linear(ch, d) + c.transformerLayersPerBlock() * block + linear(d, ch);
    }

    @Test
    void emojiModelSizeAndCost() {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.emoji());
        assertEquals(4_287_908L, m.parameterCount());
        assertEquals(230_703_104L, m.macs(16, 16, 16));
        assertEquals(254_689_280L, m.macs(16, 16, 77));
        Map<String, Tensor> sd = m.stateDict();
        assertFalse(sd.containsKey("down_blocks.0.attentions.0.norm.weight"), "no attention at 16×16");
        assertArrayEquals(new long[]{96, 256},
                Tensors.shape(sd.get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_v.weight")));
        assertArrayEquals(new long[]{96, 96}, Tensors.shape(sd.get("mid_block.attentions.0.proj_in.weight")));
    }

    @Test
    void macsCountTheContextWhereTheTransformersAre() {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.tiny());
        // tiny: transformers at level 1 (4×4 = 16 tokens, 16 ch): down 1, up 2; level 2 (2×2 = 4 tokens, 16 ch):
        // down 1, up 2, mid 1. Each context token costs its k and v projections (2·12·16) and, per query token, one
        // product with q and one with the attention weights (2·16).
        long level1 = 3 * (2L * 12 * 16 + 2L * 16 * 16);
        long level2 = 4 * (2L * 12 * 16 + 2L * 4 * 16);
        assertEquals(5 * (level1 + level2), m.macs(8, 8, 5) - m.macs(8, 8, 0));
        assertTrue(m.macs(8, 16, 5) > m.macs(8, 8, 5));
    }
}
