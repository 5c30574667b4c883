package dev.retouch.core.metrics;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The differentiable SSIM equals the scikit-image-parity Java SSIM, and gradients flow through it. */
class TensorSsimTest {

    private static RgbImage smoothRandom(Random r, int w, int h) {
        float[] chw = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            double fx = 0.1 + r.nextDouble() * 0.5;
            double fy = 0.1 + r.nextDouble() * 0.5;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0.5 + 0.3 * Math.sin(fx * x + c) * Math.cos(fy * y) + 0.15 * r.nextDouble();
                    chw[(c * h + y) * w + x] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        return new RgbImage(w, h, chw);
    }

    /** Images in [0, 1] as (B, 3, H, W), values unchanged. */
    private static Tensor unit(List<RgbImage> images) {
        RgbImage first = images.get(0);
        int per = first.chw().length;
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).chw(), 0, all, i * per, per);
        }
        return Tensors.of(all, images.size(), 3, first.height(), first.width());
    }

    @Test
    void matchesTheScikitImageParitySsimPerImage() {
        Random r = new Random(7);
        List<RgbImage> a = List.of(smoothRandom(r, 32, 24), smoothRandom(r, 32, 24), smoothRandom(r, 32, 24));
        List<RgbImage> b = List.of(smoothRandom(r, 32, 24), a.get(1), smoothRandom(r, 32, 24));
        float[] got = Tensors.toFloats(TensorSsim.ssim(unit(a), unit(b), 1.0));
        for (int i = 0; i < 3; i++) {
            double expected = Metrics.ssim(a.get(i), b.get(i), 1.0);
            assertEquals(expected, got[i], 2e-5, "image " + i);
        }
        assertEquals(1.0, got[1], 1e-6, "identical images");
        assertTrue(got[0] < 0.9, "different images score below 1: " + got[0]);
    }

    @Test
    void gradientsReachTheInput() {
        Random r = new Random(3);
        Tensor a = unit(List.of(smoothRandom(r, 16, 16))).set_requires_grad(true);
        Tensor b = unit(List.of(smoothRandom(r, 16, 16)));
        TensorSsim.ssim(a, b, 1.0).sum().backward();
        float[] g = Tensors.toFloats(a.grad());
        double norm = 0;
        for (float v : g) {
            assertTrue(Float.isFinite(v));
            norm += v * v;
        }
        assertTrue(norm > 0, "SSIM has a non-zero gradient");
    }
}
