package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Focal frequency loss with α = 1 and per-image max normalisation: for an error made of a DC offset c and a
 * checkerboard of amplitude d (two frequencies of the orthonormal DFT), FFL = (|c|³ + |d|³) / max(|c|, |d|)
 * while MSE = c² + d².
 */
class FewshotFocalLossTest {
    private static Tensor pattern(double dc, double checker, int n) {
        float[] v = new float[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                v[r * n + c] = (float) (dc + checker * (((r + c) % 2 == 0) ? 1 : -1));
            }
        }
        return Tensors.of(v, 1, 1, n, n);
    }

    private static double ffl(Tensor a, Tensor b) {
        return FocalFrequencyLoss.of(a, b, 1.0).item_double();
    }

    @Test
    void identicalImagesGiveZero() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = Tensors.randn(Tensors.generator(1), 2, 3, 8, 8);
            assertEquals(0.0, ffl(x, x), 0);
        }
    }

    @Test
    void singleFrequencyErrorsEqualTheirMseWhateverTheFrequency() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor zero = torch.zeros(1, 1, 8, 8);
            assertEquals(0.09, ffl(pattern(0.3, 0, 8), zero), 1e-6);  // pure DC: MSE 0.09
            assertEquals(0.09, ffl(pattern(0, 0.3, 8), zero), 1e-6);  // pure Nyquist checkerboard: MSE 0.09
        }
    }

    @Test
    void mixedErrorsMatchTheClosedFormAndStayBelowTheMse() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor zero = torch.zeros(1, 1, 8, 8);
            double c = 0.4;
            double d = 0.1;
            double expected = (c * c * c + d * d * d) / Math.max(c, d);
            double loss = ffl(pattern(c, d, 8), zero);
            assertEquals(expected, loss, 1e-6);
            assertTrue(loss < c * c + d * d, "FFL " + loss + " must be below the MSE " + (c * c + d * d));
            // The weight focuses on the larger (harder) component: the smaller one contributes d³/c, less than d².
        }
    }

    @Test
    void theWeightIsDetachedButTheLossHasAGradient() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor p = pattern(0.2, 0.1, 8);
            p.set_requires_grad(true);
            Tensor l = FocalFrequencyLoss.of(p, torch.zeros(1, 1, 8, 8), 1.0);
            l.backward();
            float[] g = Tensors.toFloats(p.grad());
            // d/dp of mean(w·|F(p)|²) with w fixed = 2/N·F⁻¹(w·F(p)): the DC part (w = 1) gives 2·0.2/64.
            // The checkerboard part has w = 0.1/0.2 = 0.5 and gives ±2·0.5·0.1/64.
            assertEquals((2 * 0.2 + 2 * 0.5 * 0.1) / 64, g[0], 1e-7);
            assertEquals((2 * 0.2 - 2 * 0.5 * 0.1) / 64, g[1], 1e-7);
        }
    }
}
