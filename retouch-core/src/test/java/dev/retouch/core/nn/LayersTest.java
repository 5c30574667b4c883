package dev.retouch.core.nn;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer against an independent computation written out in Java loops (double precision) from the layer's
 * own weights, read through its state dict.
 */
class LayersTest {
    private static final double TOL = 1e-5;

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    /** The values of {@code m}'s tensor {@code key}, or null when it has none (e.g. no bias). */
    private static float[] w(Module m, String key) {
        Tensor t = m.stateDict().get(key);
        return t == null ? null : Tensors.toFloats(t);
    }

    /** Gives every float parameter of {@code m} random values (so norms and biases are not the identity). */
    private static void randomize(Module m, long seed) {
        Generator g = Tensors.generator(seed);
        Map<String, Tensor> s = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> s.put(k, Tensors.randn(g, Tensors.shape(t)).mul(Tensors.s(0.5))));
        m.loadStateDict(s, true);
    }

    private static void assertClose(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    /** y[n][o] = Σ_i x[n][i]·W[o][i] + b[o]; x is rows × in, W out × in. */
    private static double[] linear(double[] x, int rows, int in, float[] weight, float[] bias, int out) {
        double[] y = new double[rows * out];
        for (int n = 0; n < rows; n++) {
            for (int o = 0; o < out; o++) {
                double acc = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    acc += x[n * in + i] * weight[o * in + i];
                }
                y[n * out + o] = acc;
            }
        }
        return y;
    }

    private static double[] dbl(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void linearIsMatmulPlusBias() {
        Linear fc = new Linear(5, 3);
        fc.initialize(Tensors.generator(1));
        Tensor x = Tensors.randn(Tensors.generator(2), 2, 4, 5); // leading dims are batch dims
        Tensor y = fc.forward(x);
        assertArrayEquals(new long[]{2, 4, 3}, Tensors.shape(y));
        assertClose(linear(dbl(Tensors.toFloats(x)), 8, 5, w(fc, "weight"), w(fc, "bias"), 3), Tensors.toFloats(y), TOL);

        Linear noBias = new Linear(5, 3, false);
        noBias.initialize(Tensors.generator(1));
        assertFalse(noBias.stateDict().containsKey("bias"));
        assertClose(linear(dbl(Tensors.toFloats(x)), 8, 5, w(noBias, "weight"), null, 3),
                Tensors.toFloats(noBias.forward(x)), TOL);
    }

    /** Direct convolution: x (B, Cin, H, W), weight (Cout, Cin/g, k, k), zero padding. */
    private static double[] conv(float[] x, int b, int cin, int h, int wd, float[] weight, float[] bias, int cout,
                                 int k, int stride, int pad, int groups, int[] outHw) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (wd + 2 * pad - k) / stride + 1;
        outHw[0] = ho;
        outHw[1] = wo;
        int cinG = cin / groups;
        int coutG = cout / groups;
        double[] y = new double[b * cout * ho * wo];
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < cout; o++) {
                int g = o / coutG;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cinG; c++) {
                            int ci = g * cinG + c;
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int yy = i * stride - pad + u;
                                    int xx = j * stride - pad + v;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    acc += x[((n * cin + ci) * h + yy) * wd + xx] * weight[((o * cinG + c) * k + u) * k + v];
                                }
                            }
                        }
                        y[((n * cout + o) * ho + i) * wo + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    private void checkConv(int cin, int cout, int k, int stride, int pad, int groups, int h, int wd) {
        Conv2d c = new Conv2d(cin, cout, k, stride, pad, groups, true);
        c.initialize(Tensors.generator(3));
        Tensor x = Tensors.randn(Tensors.generator(4), 2, cin, h, wd);
        Tensor y = c.forward(x);
        int[] hw = new int[2];
        double[] ref = conv(Tensors.toFloats(x), 2, cin, h, wd, w(c, "weight"), w(c, "bias"), cout, k, stride, pad,
                groups, hw);
        assertArrayEquals(new long[]{2, cout, hw[0], hw[1]}, Tensors.shape(y));
        assertClose(ref, Tensors.toFloats(y), TOL);
        assertEquals((long) hw[0] * hw[1] * cout * (cin / groups) * k * k, c.macs(h, wd));
    }

    @Test
    void conv2dMatchesHandWrittenConvolution() {
        checkConv(2, 3, 3, 1, 1, 1, 5, 4);  // 3×3 "same"
        checkConv(2, 4, 3, 2, 1, 1, 6, 5);  // stride 2 (downsampler)
        checkConv(4, 2, 1, 1, 0, 1, 3, 3);  // 1×1 shortcut
        checkConv(4, 6, 3, 1, 0, 2, 5, 5);  // groups, no padding
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 1, 2, true));
    }

    @Test
    void conv2dHandValuesOnATinyInput() {
        // 1×1×3×3 input 1..9, a 3×3 kernel of ones with padding 1: each output is the sum of its neighbourhood
        Conv2d c = new Conv2d(1, 1, 3, 1, 1);
        Map<String, Tensor> s = Map.of("weight", torch.ones(1, 1, 3, 3), "bias", Tensors.of(new float[]{0.5f}, 1));
        c.loadStateDict(s, true);
        Tensor x = Tensors.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        assertArrayEquals(new float[]{12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f},
                Tensors.toFloats(c.forward(x)));
        assertEquals(9 * 9, c.macs(3, 3));
    }

    @Test
    void groupNormMatchesPerGroupStatistics() {
        int b = 2;
        int ch = 6;
        int groups = 3;
        int hw = 5;
        double eps = 1e-5;
        GroupNorm gn = new GroupNorm(groups, ch, eps);
        randomize(gn, 5);
        float[] gamma = w(gn, "weight");
        float[] beta = w(gn, "bias");
        Tensor x = Tensors.randn(Tensors.generator(6), b, ch, 1, hw).mul(Tensors.s(3)).add(Tensors.s(1));
        float[] xv = Tensors.toFloats(x);
        double[] ref = new double[xv.length];
        int per = ch / groups * hw;
        for (int n = 0; n < b; n++) {
            for (int g = 0; g < groups; g++) {
                int base = (n * ch + g * ch / groups) * hw;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += xv[base + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (xv[base + i] - mean) * (xv[base + i] - mean);
                }
                var /= per; // biased, as in the paper and PyTorch
                for (int i = 0; i < per; i++) {
                    int c = g * ch / groups + i / hw;
                    ref[base + i] = (xv[base + i] - mean) / Math.sqrt(var + eps) * gamma[c] + beta[c];
                }
            }
        }
        assertClose(ref, Tensors.toFloats(gn.forward(x)), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6, eps));
    }

    @Test
    void layerNormMatchesPerRowStatistics() {
        int rows = 6;
        int dim = 7;
        LayerNorm ln = new LayerNorm(dim);
        randomize(ln, 7);
        float[] gamma = w(ln, "weight");
        float[] beta = w(ln, "bias");
        Tensor x = Tensors.randn(Tensors.generator(8), 2, 3, dim).mul(Tensors.s(2)).sub(Tensors.s(1));
        float[] xv = Tensors.toFloats(x);
        double[] affine = new double[xv.length];
        double[] plain = new double[xv.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                mean += xv[r * dim + i];
            }
            mean /= dim;
            for (int i = 0; i < dim; i++) {
                var += Math.pow(xv[r * dim + i] - mean, 2);
            }
            var /= dim;
            for (int i = 0; i < dim; i++) {
                plain[r * dim + i] = (xv[r * dim + i] - mean) / Math.sqrt(var + 1e-5);
                affine[r * dim + i] = plain[r * dim + i] * gamma[i] + beta[i];
            }
        }
        assertClose(affine, Tensors.toFloats(ln.forward(x)), 1e-4);
        LayerNorm bare = new LayerNorm(dim, 1e-5, false);
        assertTrue(bare.stateDict().isEmpty());
        assertClose(plain, Tensors.toFloats(bare.forward(x)), 1e-4);
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding e = new Embedding(5, 3);
        e.initialize(Tensors.generator(9));
        float[] table = w(e, "weight");
        long[] idx = {4, 0, 2, 4};
        Tensor out = e.forward(Tensor.create(idx, 2, 2));
        assertArrayEquals(new long[]{2, 2, 3}, Tensors.shape(out));
        float[] o = Tensors.toFloats(out);
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(table[(int) idx[i] * 3 + j], o[i * 3 + j]);
            }
        }
    }

    @Test
    void dropoutIsIdentityInEvalAndAtZero() {
        Tensor x = Tensors.randn(Tensors.generator(10), 64);
        float[] xv = Tensors.toFloats(x);
        Dropout d = new Dropout(0.3);
        d.eval();
        assertArrayEquals(xv, Tensors.toFloats(d.forward(x)));
        Dropout zero = new Dropout(0.0);
        assertTrue(zero.isTraining());
        assertArrayEquals(xv, Tensors.toFloats(zero.forward(x)));
        d.train(true);
        float[] y = Tensors.toFloats(d.forward(x));
        for (int i = 0; i < y.length; i++) {
            assertTrue(y[i] == 0f || Math.abs(y[i] - xv[i] / 0.7f) < 1e-5, "kept values are scaled by 1/(1−p)");
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
    }

    /**
     * Reference multi-head attention: softmax(QKᵀ/√d)·V per head. q rows n × qDim, ctx rows m × kvDim; returns
     * n × qDim after to_out.0.
     */
    private static double[] attention(Attention a, double[] q, int n, int qDim, double[] ctx, int m, int kvDim,
                                      int heads, int d) {
        int inner = heads * d;
        double[] Q = linear(q, n, qDim, w(a, "to_q.weight"), w(a, "to_q.bias"), inner);
        double[] K = linear(ctx, m, kvDim, w(a, "to_k.weight"), w(a, "to_k.bias"), inner);
        double[] V = linear(ctx, m, kvDim, w(a, "to_v.weight"), w(a, "to_v.bias"), inner);
        double[] O = new double[n * inner];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                double[] p = new double[m];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += Q[i * inner + h * d + c] * K[j * inner + h * d + c];
                    }
                    p[j] = s / Math.sqrt(d);
                    max = Math.max(max, p[j]);
                }
                double z = 0;
                for (int j = 0; j < m; j++) {
                    p[j] = Math.exp(p[j] - max);
                    z += p[j];
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < m; j++) {
                        acc += p[j] / z * V[j * inner + h * d + c];
                    }
                    O[i * inner + h * d + c] = acc;
                }
            }
        }
        return linear(O, n, inner, w(a, "to_out.0.weight"), w(a, "to_out.0.bias"), qDim);
    }

    private static double[] row(float[] all, int from, int len) {
        double[] r = new double[len];
        for (int i = 0; i < len; i++) {
            r[i] = all[from + i];
        }
        return r;
    }

    @Test
    void attentionStateDictUsesDiffusersNames() {
        Attention a = new Attention(8, 6, 2, 4, false, 4, false, 1.0);
        assertEquals(java.util.List.of("group_norm.weight", "group_norm.bias", "to_q.weight", "to_k.weight",
                "to_v.weight", "to_out.0.weight", "to_out.0.bias"), new java.util.ArrayList<>(a.stateDict().keySet()));
        assertArrayEquals(new long[]{8, 6}, Tensors.shape(a.stateDict().get("to_k.weight")));
    }

    @Test
    void selfAttentionOnTokensMatchesReference() {
        int b = 2, n = 3, c = 8, heads = 2, d = 4;
        Attention a = new Attention(c, 0, heads, d, true, 0, false, 1.0);
        randomize(a, 11);
        Tensor x = Tensors.randn(Tensors.generator(12), b, n, c);
        float[] xv = Tensors.toFloats(x);
        float[] y = Tensors.toFloats(a.forward(x, null));
        for (int i = 0; i < b; i++) {
            double[] xi = row(xv, i * n * c, n * c);
            double[] ref = attention(a, xi, n, c, xi, n, c, heads, d);
            for (int j = 0; j < ref.length; j++) {
                assertEquals(ref[j], y[i * n * c + j], 1e-4, "batch " + i + " element " + j);
            }
        }
    }

    @Test
    void crossAttentionOnTokensMatchesReference() {
        int b = 2, n = 3, c = 8, m = 5, cd = 6, heads = 4, d = 3;
        Attention a = new Attention(c, cd, heads, d, false, 0, false, 1.0);
        randomize(a, 13);
        assertFalse(a.stateDict().containsKey("to_q.bias"));
        Tensor x = Tensors.randn(Tensors.generator(14), b, n, c);
        Tensor ctx = Tensors.randn(Tensors.generator(15), b, m, cd);
        float[] xv = Tensors.toFloats(x);
        float[] cv = Tensors.toFloats(ctx);
        Tensor out = a.forward(x, ctx);
        assertArrayEquals(new long[]{b, n, c}, Tensors.shape(out));
        float[] y = Tensors.toFloats(out);
        for (int i = 0; i < b; i++) {
            double[] ref = attention(a, row(xv, i * n * c, n * c), n, c, row(cv, i * m * cd, m * cd), m, cd, heads, d);
            for (int j = 0; j < ref.length; j++) {
                assertEquals(ref[j], y[i * n * c + j], 1e-4, "batch " + i + " element " + j);
            }
        }
    }

    @Test
    void spatialAttentionWithGroupNormResidualAndRescaleMatchesReference() {
        int b = 2, c = 8, hh = 2, ww = 3, heads = 2, d = 4, groups = 2;
        int n = hh * ww;
        double rescale = 2.0;
        Attention a = new Attention(c, 0, heads, d, true, groups, true, rescale);
        randomize(a, 16);
        float[] gamma = w(a, "group_norm.weight");
        float[] beta = w(a, "group_norm.bias");
        Tensor x = Tensors.randn(Tensors.generator(17), b, c, hh, ww);
        float[] xv = Tensors.toFloats(x);
        Tensor out = a.forward(x, null);
        assertArrayEquals(new long[]{b, c, hh, ww}, Tensors.shape(out));
        float[] y = Tensors.toFloats(out);
        for (int i = 0; i < b; i++) {
            // group norm over (channels of the group × all positions), then tokens (n, c)
            double[] tokens = new double[n * c];
            int cg = c / groups;
            for (int g = 0; g < groups; g++) {
                double mean = 0;
                double var = 0;
                for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
                    for (int p = 0; p < n; p++) {
                        mean += xv[(i * c + ch) * n + p];
                    }
                }
                mean /= cg * n;
                for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
                    for (int p = 0; p < n; p++) {
                        var += Math.pow(xv[(i * c + ch) * n + p] - mean, 2);
                    }
                }
                var /= cg * n;
                for (int ch = g * cg; ch < (g + 1) * cg; ch++) {
                    for (int p = 0; p < n; p++) {
                        tokens[p * c + ch] = (xv[(i * c + ch) * n + p] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
                    }
                }
            }
            double[] att = attention(a, tokens, n, c, tokens, n, c, heads, d); // (n, c)
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < n; p++) {
                    int idx = (i * c + ch) * n + p;
                    double ref = (att[p * c + ch] + xv[idx]) / rescale;
                    assertEquals(ref, y[idx], 1e-4, "batch " + i + " channel " + ch + " position " + p);
                }
            }
        }
    }

    @Test
    void initBoundsAndStatistics() {
        Generator g = Tensors.generator(20);
        Tensor t = torch.zeros(20_000);
        Init.torchDefault(t, 16, g);
        float[] v = Tensors.toFloats(t);
        double max = 0;
        double mean = 0;
        for (float f : v) {
            max = Math.max(max, Math.abs(f));
            mean += f;
        }
        mean /= v.length;
        assertTrue(max <= 0.25, "U(±1/√16): max " + max);
        assertTrue(max > 0.249, "fills the range: max " + max);
        assertEquals(0, mean, 0.01);

        Init.xavierUniform(t, 10, 14, g);
        double bound = Math.sqrt(6.0 / 24);
        double xmax = Tensors.toFloats(t.abs().max())[0];
        assertTrue(xmax <= bound && xmax > 0.99 * bound, "xavier max " + xmax + " bound " + bound);

        Init.normal(t, 0.5, g);
        v = Tensors.toFloats(t);
        double m = 0;
        double sq = 0;
        for (float f : v) {
            m += f;
            sq += f * f;
        }
        m /= v.length;
        double std = Math.sqrt(sq / v.length - m * m);
        assertEquals(0.5, std, 0.01, "std");
        assertEquals(0, m, 0.015, "mean");

        // layers use fan-in of in/groups·k·k
        Conv2d conv = new Conv2d(8, 16, 3, 1, 1, 2, true);
        conv.initialize(g);
        double convMax = Tensors.toFloats(conv.weight().abs().max())[0];
        double convBound = 1 / Math.sqrt(4 * 9);
        assertTrue(convMax <= convBound && convMax > 0.9 * convBound, "conv max " + convMax);
        Linear fc = new Linear(100, 50);
        fc.initialize(g);
        assertTrue(Tensors.toFloats(fc.weight().abs().max())[0] <= 0.1);
        assertTrue(Tensors.toFloats(fc.stateDict().get("bias").abs().max())[0] <= 0.1);
        Embedding e = new Embedding(100, 100);
        e.initialize(g);
        float[] ev = Tensors.toFloats(e.weight());
        double es = 0;
        for (float f : ev) {
            es += f * f;
        }
        assertEquals(1.0, Math.sqrt(es / ev.length), 0.03, "embedding N(0, 1)");
    }
}
