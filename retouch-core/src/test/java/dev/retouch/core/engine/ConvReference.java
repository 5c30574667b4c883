package dev.retouch.core.engine;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Convolutions written as im2col/col2im plus a matrix product, in whatever dtype they are given (float64 in the
 * tests): no convolution kernel is involved, so they are independent of oneDNN and of ATen's convolutions, and
 * autograd differentiates them through im2col, col2im and matmul.
 */
final class ConvReference {
    private ConvReference() {
    }

    /** (B, C, H, W) ⊛ (O, C/g, k, k) + b, square kernel, 'stride' and 'pad' on both axes. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, long stride, long pad, long groups) {
        long n = x.size(0);
        long c = x.size(1);
        long o = w.size(0);
        long k = w.size(2);
        long ho = (x.size(2) + 2 * pad - k) / stride + 1;
        long wo = (x.size(3) + 2 * pad - k) / stride + 1;
        Tensor cols = torch.im2col(x, new long[]{k, k}, new long[]{1, 1}, new long[]{pad, pad},
                new long[]{stride, stride});                                    // (B, C·k·k, L)
        long perGroup = c / groups * k * k;
        Tensor colsG = cols.reshape(n, groups, perGroup, ho * wo);               // (B, g, C/g·k·k, L)
        Tensor wG = w.reshape(1, groups, o / groups, perGroup);                  // (1, g, O/g, C/g·k·k)
        Tensor y = torch.matmul(wG, colsG).reshape(n, o, ho, wo);              // (B, O, H', W')
        return b == null ? y : y.add(b.reshape(1, o, 1, 1));
    }

    /** Transposed convolution: (B, C_in, H, W) with w (C_in, C_out, k, k) → (B, C_out, H', W'), groups 1. */
    static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, long stride, long pad, long outputPad) {
        long n = x.size(0);
        long cIn = x.size(1);
        long cOut = w.size(1);
        long k = w.size(2);
        long ho = (x.size(2) - 1) * stride - 2 * pad + k + outputPad;
        long wo = (x.size(3) - 1) * stride - 2 * pad + k + outputPad;
        Tensor cols = torch.matmul(w.reshape(cIn, cOut * k * k).t(), x.reshape(n, cIn, -1)); // (B, C_out·k·k, L)
        Tensor y = torch.col2im(cols, new long[]{ho, wo}, new long[]{k, k}, new long[]{1, 1}, new long[]{pad, pad},
                new long[]{stride, stride});
        return b == null ? y : y.add(b.reshape(1, cOut, 1, 1));
    }

    /** The same convolution by the definition, in Java loops (for small sizes: checks {@link #conv2d}). */
    static double[] naiveConv2d(double[] x, int n, int c, int h, int wd, double[] w, int o, int k, double[] b,
                                int stride, int pad, int groups) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (wd + 2 * pad - k) / stride + 1;
        int cg = c / groups;
        int og = o / groups;
        double[] y = new double[n * o * ho * wo];
        for (int bi = 0; bi < n; bi++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double acc = b == null ? 0 : b[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            for (int di = 0; di < k; di++) {
                                for (int dj = 0; dj < k; dj++) {
                                    int yy = i * stride - pad + di;
                                    int xx = j * stride - pad + dj;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                        acc += x[((bi * c + g * cg + ic) * h + yy) * wd + xx]
                                                * w[((oc * cg + ic) * k + di) * k + dj];
                                    }
                                }
                            }
                        }
                        y[((bi * o + oc) * ho + i) * wo + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** Transposed convolution by its definition (each input pixel scatters a weighted kernel), Java loops. */
    static double[] naiveConvTranspose2d(double[] x, int n, int cIn, int h, int wd, double[] w, int cOut, int k,
                                         int stride, int pad, int outputPad) {
        int ho = (h - 1) * stride - 2 * pad + k + outputPad;
        int wo = (wd - 1) * stride - 2 * pad + k + outputPad;
        double[] y = new double[n * cOut * ho * wo];
        for (int bi = 0; bi < n; bi++) {
            for (int ic = 0; ic < cIn; ic++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double v = x[((bi * cIn + ic) * h + i) * wd + j];
                        for (int oc = 0; oc < cOut; oc++) {
                            for (int di = 0; di < k; di++) {
                                for (int dj = 0; dj < k; dj++) {
                                    int yy = i * stride - pad + di;
                                    int xx = j * stride - pad + dj;
                                    if (yy >= 0 && yy < ho && xx >= 0 && xx < wo) {
                                        y[((bi * cOut + oc) * ho + yy) * wo + xx] +=
                                                v * w[((ic * cOut + oc) * k + di) * k + dj];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }
}
