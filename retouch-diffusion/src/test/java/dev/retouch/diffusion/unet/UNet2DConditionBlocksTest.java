package dev.retouch.diffusion.unet;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-attention pieces of UNet2DConditionModel: BasicTransformerBlock against its definition written out in
 * float64 torch ops, Transformer2DModel's convolution and linear projections computing the same function, and the
 * transformer's MAC count.
 */
class UNet2DConditionBlocksTest {

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    private static Tensor f64(Tensor t) {
        return t.detach().to(torch.ScalarType.Double);
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return Tensors.toFloats(f64(a).sub(f64(b)).abs().max())[0];
    }

    /** LayerNorm over the last dimension, eps 1e-5, with affine weight and bias. */
    private static Tensor layerNorm(Tensor x, Map<String, Tensor> w, String name) {
        Tensor mu = x.mean(new long[]{-1}, true, new ScalarTypeOptional());
        Tensor centred = x.sub(mu);
        Tensor var = centred.square().mean(new long[]{-1}, true, new ScalarTypeOptional());
        return centred.div(var.add(Tensors.s(1e-5)).sqrt()).mul(w.get(name + ".weight")).add(w.get(name + ".bias"));
    }

    /** softmax(QKᵀ/√d)V per head, q/k/v without bias, output projection with bias. */
    private static Tensor attention(Tensor x, Tensor ctx, Map<String, Tensor> w, String name, int heads) {
        Tensor q = x.matmul(w.get(name + ".to_q.weight").t());
        Tensor k = ctx.matmul(w.get(name + ".to_k.weight").t());
        Tensor v = ctx.matmul(w.get(name + ".to_v.weight").t());
        long b = x.size(0);
        long d = q.size(2) / heads;
        q = q.reshape(b, -1, heads, d).permute(0, 2, 1, 3);   // (B, h, N, d)
        k = k.reshape(b, -1, heads, d).permute(0, 2, 1, 3);   // (B, h, M, d)
        v = v.reshape(b, -1, heads, d).permute(0, 2, 1, 3);
        Tensor a = q.matmul(k.transpose(-1, -2)).div(Tensors.s(Math.sqrt(d))).softmax(-1); // (B, h, N, M)
        Tensor o = a.matmul(v).permute(0, 2, 1, 3).reshape(b, -1, heads * d);             // (B, N, h·d)
        return o.matmul(w.get(name + ".to_out.0.weight").t()).add(w.get(name + ".to_out.0.bias"));
    }

    /** [a | g] = xW₀ᵀ + b₀, y = (a ⊙ ½g(1 + erf(g/√2)))W₂ᵀ + b₂. */
    private static Tensor gegluFeedForward(Tensor x, Map<String, Tensor> w) {
        Tensor ag = x.matmul(w.get("ff.net.0.proj.weight").t()).add(w.get("ff.net.0.proj.bias"));
        long inner = ag.size(2) / 2;
        Tensor a = ag.narrow(2, 0, inner);
        Tensor g = ag.narrow(2, inner, inner);
        Tensor gelu = g.mul(g.div(Tensors.s(Math.sqrt(2))).erf().add(Tensors.s(1))).mul(Tensors.s(0.5));
        return a.mul(gelu).matmul(w.get("ff.net.2.weight").t()).add(w.get("ff.net.2.bias"));
    }

    @Test
    void basicTransformerBlockMatchesItsDefinition() {
        int dim = 24;
        int heads = 3;
        BasicTransformerBlock block = new BasicTransformerBlock(dim, heads, 8, 10);
        block.initialize(Tensors.generator(11));
        Map<String, Tensor> w = new HashMap<>();
        block.stateDict().forEach((k, v) -> w.put(k, f64(v)));
        assertArrayEquals(new long[]{2 * 4 * dim, dim}, Tensors.shape(w.get("ff.net.0.proj.weight")));
        assertArrayEquals(new long[]{dim, 10}, Tensors.shape(w.get("attn2.to_k.weight")));
        assertTrue(!w.containsKey("attn1.to_q.bias") && w.containsKey("attn1.to_out.0.bias"));
        Tensor x = Tensors.randn(Tensors.generator(1), 2, 7, dim);
        Tensor ctx = Tensors.randn(Tensors.generator(2), 2, 5, 10);
        Tensor xd = f64(x);
        Tensor ctxd = f64(ctx);
        Tensor h = xd.add(attention(layerNorm(xd, w, "norm1"), layerNorm(xd, w, "norm1"), w, "attn1", heads));
        h = h.add(attention(layerNorm(h, w, "norm2"), ctxd, w, "attn2", heads));
        Tensor want = h.add(gegluFeedForward(layerNorm(h, w, "norm3"), w));
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor got = block.forward(x, ctx);
            assertArrayEquals(new long[]{2, 7, dim}, Tensors.shape(got));
            double d = maxAbsDiff(got, want);
            assertTrue(d < 2e-5, "differs from the definition by " + d);
        }
    }

    @Test
    void convolutionAndLinearProjectionsComputeTheSameFunction() {
        Transformer2DModel conv = new Transformer2DModel(16, 2, 8, 2, 6, 4, false);
        Transformer2DModel linear = new Transformer2DModel(16, 2, 8, 2, 6, 4, true);
        conv.initialize(Tensors.generator(3));
        Map<String, Tensor> weights = new HashMap<>();
        conv.stateDict().forEach((k, v) -> weights.put(k, k.startsWith("proj_") && v.dim() == 4
                ? v.detach().reshape(v.size(0), v.size(1)) : v.detach()));
        assertArrayEquals(new long[]{16, 16, 1, 1}, Tensors.shape(conv.stateDict().get("proj_in.weight")));
        assertArrayEquals(new long[]{16, 16}, Tensors.shape(linear.stateDict().get("proj_out.weight")));
        linear.loadStateDict(weights, true);
        Tensor x = Tensors.randn(Tensors.generator(4), 2, 16, 4, 6);
        Tensor ctx = Tensors.randn(Tensors.generator(5), 2, 3, 6);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor y = conv.forward(x, ctx);
            assertArrayEquals(new long[]{2, 16, 4, 6}, Tensors.shape(y));
            assertTrue(maxAbsDiff(y, linear.forward(x, ctx)) < 1e-5);
            assertTrue(maxAbsDiff(y, x) > 1e-3, "the transformer changes its input");
        }
    }

    @Test
    void transformerIsResidualAroundItsProjections() {
        Transformer2DModel t = new Transformer2DModel(8, 2, 4, 1, 5, 4, true);
        t.initialize(Tensors.generator(8));
        try (NoGradGuard ignored = new NoGradGuard()) {
            t.stateDict().get("proj_out.weight").zero_();
            t.stateDict().get("proj_out.bias").zero_();
            Tensor x = Tensors.randn(Tensors.generator(9), 1, 8, 2, 2);
            assertEquals(0.0, maxAbsDiff(t.forward(x, Tensors.randn(Tensors.generator(1), 1, 3, 5)), x));
        }
    }

    @Test
    void transformerMacsMatchAHandCount() {
        // C = inner = 16, 2 blocks, context width 6; a 4×6 map (N = 24 tokens) and M = 3 context tokens
        long n = 24;
        long m = 3;
        long proj = 2 * n * 16 * 16;
        long attn1 = 4 * n * 16 * 16 + 2 * n * n * 16;
        long attn2 = 2 * n * 16 * 16 + 2 * m * 6 * 16 + 2 * n * m * 16;
        long ff = n * 16 * 128 + n * 64 * 16;
        assertEquals(proj + 2 * (attn1 + attn2 + ff), new Transformer2DModel(16, 2, 8, 2, 6, 4, false).macs(4, 6, 3));
    }
}
