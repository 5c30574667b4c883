package dev.retouch.core.engine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel conformance for the other native ops the models rely on, forward and backward, in float32 against the
 * same function composed from elementary ops in float64 (group norm from means and variances, attention from
 * matmul and softmax, the FFT from DFT matrices, grid sampling and resampling from gathers and weights). Their
 * shapes are the models': 32–192 channels, 8–32 px, 4 heads of 32, batches of 1–4.
 */
class NativeOpsConformanceTest {
    private static final double TOL = 1e-4; // relative to the reference's largest magnitude (floored at 1)

    @BeforeAll
    static void engine() {
        Engine.verdict();
    }

    /**
     * Checks {@code op} (float32) against {@code ref} (float64) on the given inputs: the outputs, and every
     * input's gradient under the same random upstream gradient.
     */
    private static void check(String name, Function<List<Tensor>, Tensor> op, Function<List<Tensor>, Tensor> ref,
                              long seed, long[]... shapes) {
        try (PointerScope scope = new PointerScope()) {
            Generator g = Tensors.generator(seed);
            List<Tensor> inputs = java.util.Arrays.stream(shapes).map(s -> Tensors.randn(g, s)).toList();
            List<Tensor> f = inputs.stream().map(t -> t.clone().requires_grad_(true)).toList();
            List<Tensor> d = inputs.stream().map(t -> t.to(torch.ScalarType.Double).requires_grad_(true)).toList();
            Tensor y = op.apply(f);
            Tensor yd = ref.apply(d);
            Tensor dy = Tensors.randn(g, Tensors.shape(yd));
            y.mul(dy).sum().backward();
            yd.mul(dy.to(torch.ScalarType.Double)).sum().backward();
            double e = SelfCheck.relative(y, yd);
            assertTrue(e <= TOL, name + ": output error " + e);
            for (int i = 0; i < f.size(); i++) {
                double ge = SelfCheck.relative(f.get(i).grad(), d.get(i).grad());
                assertTrue(ge <= TOL, name + ": gradient of input " + i + " error " + ge);
            }
        }
    }

    @Test
    void groupNormMatchesMeansAndVariances() {
        long[][] cases = {{2, 64, 16, 16, 32}, {3, 96, 8, 8, 32}, {2, 24, 16, 16, 8}, {4, 32, 32, 32, 16}};
        for (long[] c : cases) {
            long groups = c[4];
            check("group_norm " + java.util.Arrays.toString(c),
                    in -> torch.group_norm(in.get(0), groups, new TensorOptional(in.get(1)),
                            new TensorOptional(in.get(2)), 1e-5, false),
                    in -> {
                        Tensor x = in.get(0).reshape(c[0], groups, -1);
                        Tensor mean = x.mean(new long[]{2}, true, new ScalarTypeOptional());
                        Tensor var = x.sub(mean).pow(Tensors.s(2)).mean(new long[]{2}, true, new ScalarTypeOptional());
                        Tensor n = x.sub(mean).div(var.add(Tensors.s(1e-5)).sqrt()).reshape(c[0], c[1], c[2], c[3]);
                        return n.mul(in.get(1).reshape(1, c[1], 1, 1)).add(in.get(2).reshape(1, c[1], 1, 1));
                    }, 11, new long[]{c[0], c[1], c[2], c[3]}, new long[]{c[1]}, new long[]{c[1]});
        }
    }

    @Test
    void layerNormAndLinearMatchTheirDefinitions() {
        check("layer_norm", in -> torch.layer_norm(in.get(0), new long[]{128}, new TensorOptional(in.get(1)),
                        new TensorOptional(in.get(2)), 1e-5, false),
                in -> {
                    Tensor x = in.get(0);
                    Tensor mean = x.mean(new long[]{-1}, true, new ScalarTypeOptional());
                    Tensor var = x.sub(mean).pow(Tensors.s(2)).mean(new long[]{-1}, true, new ScalarTypeOptional());
                    return x.sub(mean).div(var.add(Tensors.s(1e-5)).sqrt()).mul(in.get(1)).add(in.get(2));
                }, 12, new long[]{3, 33, 128}, new long[]{128}, new long[]{128});
        for (long[] c : new long[][]{{4, 256, 128, 512}, {2, 17, 96, 32}, {16, 1, 128, 512}}) {
            check("linear " + java.util.Arrays.toString(c),
                    in -> torch.linear(in.get(0), in.get(1), new TensorOptional(in.get(2))),
                    in -> torch.matmul(in.get(0), in.get(1).t()).add(in.get(2)),
                    13, new long[]{c[0], c[1], c[2]}, new long[]{c[3], c[2]}, new long[]{c[3]});
        }
    }

    @Test
    void attentionMatchesSoftmaxOfScaledProducts() {
        // self-attention at 8×8 and 16×16 tokens, cross-attention to 32 text tokens; 4 heads of 32
        for (long[] c : new long[][]{{2, 4, 64, 64, 32}, {2, 4, 256, 256, 32}, {3, 4, 256, 32, 32}, {1, 2, 64, 77, 48}}) {
            double scale = 1 / Math.sqrt(c[4]);
            check("scaled_dot_product_attention " + java.util.Arrays.toString(c),
                    in -> torch.scaled_dot_product_attention(in.get(0), in.get(1), in.get(2)),
                    in -> torch.softmax(torch.matmul(in.get(0), in.get(1).transpose(-2, -1)).mul(Tensors.s(scale)),
                            -1, new ScalarTypeOptional()).matmul(in.get(2)),
                    14, new long[]{c[0], c[1], c[2], c[4]}, new long[]{c[0], c[1], c[3], c[4]},
                    new long[]{c[0], c[1], c[3], c[4]});
        }
    }

    @Test
    void fftMatchesTheDftMatrices() {
        long n = 32;
        check("fft_fft2 |F|²", in -> torch.view_as_real(torch.fft_fft2(in.get(0))).pow(Tensors.s(2)).sum(
                        new long[]{-1}, false, new ScalarTypeOptional()),
                in -> {
                    // F = W X W with W[j][k] = exp(−2πi jk/n): Re = C X C − S X S, Im = −(S X C + C X S)
                    Tensor j = torch.arange(new Scalar(n)).to(torch.ScalarType.Double);
                    Tensor angle = torch.outer(j, j).mul(Tensors.s(2 * Math.PI / n));
                    Tensor cos = torch.cos(angle);
                    Tensor sin = torch.sin(angle);
                    Tensor x = in.get(0);
                    Tensor re = cos.matmul(x).matmul(cos).sub(sin.matmul(x).matmul(sin));
                    Tensor im = sin.matmul(x).matmul(cos).add(cos.matmul(x).matmul(sin)).neg();
                    return re.pow(Tensors.s(2)).add(im.pow(Tensors.s(2)));
                }, 15, new long[]{2, 3, n, n});
    }

    @Test
    void resamplingMatchesGathersAndWeights() {
        check("upsample_nearest2d ×2", in -> torch.upsample_nearest2d(in.get(0), new long[]{32, 32}),
                in -> in.get(0).repeat_interleave(2, new org.bytedeco.pytorch.LongOptional(2), new org.bytedeco.pytorch.LongOptional())
                        .repeat_interleave(2, new org.bytedeco.pytorch.LongOptional(3), new org.bytedeco.pytorch.LongOptional()), 16, new long[]{2, 64, 16, 16});
        check("avg_pool2d 2×2", in -> torch.avg_pool2d(in.get(0), new long[]{2, 2}),
                in -> in.get(0).reshape(2, 48, 8, 2, 8, 2).mean(new long[]{3, 5}, false, new ScalarTypeOptional()),
                17, new long[]{2, 48, 16, 16});
        // bilinear ×2, half-pixel centres: each output is (3a + b)/4 of its two nearest inputs along each axis
        check("upsample_bilinear2d ×2", in -> torch.upsample_bilinear2d(in.get(0), new long[]{16, 16}, false),
                in -> upsampleBilinear2x(upsampleBilinear2x(in.get(0), 2), 3), 18, new long[]{2, 8, 8, 8});
    }

    /** Bilinear ×2 along {@code dim} (align_corners false, edges clamped), from shifted copies. */
    private static Tensor upsampleBilinear2x(Tensor x, long dim) {
        long n = x.size(dim);
        Tensor prev = torch.cat(new org.bytedeco.pytorch.TensorArrayRef(new org.bytedeco.pytorch.TensorVector(
                x.narrow(dim, 0, 1), x.narrow(dim, 0, n - 1))), dim);
        Tensor next = torch.cat(new org.bytedeco.pytorch.TensorArrayRef(new org.bytedeco.pytorch.TensorVector(
                x.narrow(dim, 1, n - 1), x.narrow(dim, n - 1, 1))), dim);
        Tensor even = x.mul(Tensors.s(0.75)).add(prev.mul(Tensors.s(0.25)));
        Tensor odd = x.mul(Tensors.s(0.75)).add(next.mul(Tensors.s(0.25)));
        long[] shape = Tensors.shape(x);
        long[] stacked = new long[shape.length];
        System.arraycopy(shape, 0, stacked, 0, shape.length);
        stacked[(int) dim] = 2 * n;
        return torch.stack(new org.bytedeco.pytorch.TensorArrayRef(new org.bytedeco.pytorch.TensorVector(even, odd)),
                dim + 1).reshape(stacked);
    }

    @Test
    void gridSamplingMatchesBilinearGathers() {
        // bilinear, border padding, align_corners false (the fewshot warp): grid inside [−1.2, 1.2]
        long b = 2, c = 3, h = 16, w = 16;
        check("grid_sampler bilinear border", in -> torch.grid_sampler(in.get(0), torch.tanh(in.get(1)).mul(Tensors.s(1.2)),
                        0, 1, false),
                in -> {
                    Tensor grid = torch.tanh(in.get(1)).mul(Tensors.s(1.2));           // (B, Ho, Wo, 2)
                    Tensor ix = grid.select(3, 0).add(Tensors.s(1)).mul(Tensors.s(w / 2.0)).sub(Tensors.s(0.5))
                            .clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(0)),
                                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(w - 1)));
                    Tensor iy = grid.select(3, 1).add(Tensors.s(1)).mul(Tensors.s(h / 2.0)).sub(Tensors.s(0.5))
                            .clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(0)),
                                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(h - 1)));
                    Tensor x0 = ix.floor().detach();
                    Tensor y0 = iy.floor().detach();
                    Tensor fx = ix.sub(x0);
                    Tensor fy = iy.sub(y0);
                    Tensor out = null;
                    for (int dy = 0; dy <= 1; dy++) {
                        for (int dx = 0; dx <= 1; dx++) {
                            Tensor xi = x0.add(Tensors.s(dx)).clamp_max(Tensors.s(w - 1));
                            Tensor yi = y0.add(Tensors.s(dy)).clamp_max(Tensors.s(h - 1));
                            Tensor weight = (dx == 1 ? fx : fx.neg().add(Tensors.s(1)))
                                    .mul(dy == 1 ? fy : fy.neg().add(Tensors.s(1)));       // (B, Ho, Wo)
                            Tensor idx = yi.mul(Tensors.s(w)).add(xi).to(torch.ScalarType.Long).reshape(b, 1, -1)
                                    .expand(b, c, -1);
                            Tensor v = in.get(0).reshape(b, c, h * w).gather(2, idx)
                                    .reshape(b, c, grid.size(1), grid.size(2));
                            Tensor term = v.mul(weight.unsqueeze(1));
                            out = out == null ? term : out.add(term);
                        }
                    }
                    return out;
                }, 19, new long[]{b, c, h, w}, new long[]{b, 12, 12, 2});
    }
}
