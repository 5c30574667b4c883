package dev.retouch.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static RgbImage random(int w, int h, long seed) {
        Random rnd = new Random(seed);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) chw[i] = rnd.nextFloat();
        return new RgbImage(w, h, chw);
    }

    @Test
    void errorsAndPsnrOnKnownValues() {
        RgbImage a = RgbImage.filled(4, 4, 0.5f);
        RgbImage b = RgbImage.filled(4, 4, 0.6f);
        assertEquals(0.01, Metrics.mse(a, b), 1e-8);
        assertEquals(0.1, Metrics.mae(a, b), 1e-7);
        assertEquals(20.0, Metrics.psnr(a, b, 1.0), 1e-5); // 10 log10(1 / 0.01)
        assertEquals(20.0 + 20 * Math.log10(255), Metrics.psnr(a, b, 255.0), 1e-5);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a, 1.0));
        assertEquals(0.0, Metrics.mae(a, a));
        assertEquals(0.25, Metrics.mae(new float[] {0f, 1f}, new float[] {0.5f, 1f}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnr(a, b, 0));
    }

    @Test
    void maskedErrorsSelectInsideOrOutside() {
        float[] ca = new float[3 * 4];
        float[] cb = new float[3 * 4];
        for (int c = 0; c < 3; c++) {
            cb[c * 4] = 0.5f; // pixel 0 differs by 0.5, pixel 3 by 0.1, all channels
            cb[c * 4 + 3] = 0.1f;
        }
        RgbImage a = new RgbImage(2, 2, ca);
        RgbImage b = new RgbImage(2, 2, cb);
        Mask m = new Mask(2, 2, new float[] {1f, 0f, 0.5f, 0.2f}); // inside: pixels 0 and 2
        assertEquals(0.25, Metrics.mae(a, b, m, false), 1e-7);
        assertEquals(0.125, Metrics.mse(a, b, m, false), 1e-7);
        assertEquals(0.05, Metrics.mae(a, b, m, true), 1e-7);
        assertEquals(0.005, Metrics.mse(a, b, m, true), 1e-7);
        assertEquals(10 * Math.log10(1 / 0.005), Metrics.psnr(a, b, 1.0, m, true), 1e-4);
        Mask all = Mask.filled(2, 2, 1f);
        RetouchException e = assertThrows(RetouchException.class, () -> Metrics.mae(a, b, all, true));
        assertTrue(e.getMessage().contains("selects no pixels outside"), e.getMessage());
        RetouchException size = assertThrows(RetouchException.class,
                () -> Metrics.mae(a, b, Mask.filled(3, 2, 1f), false));
        assertTrue(size.getMessage().contains("3x2") && size.getMessage().contains("2x2"), size.getMessage());
        RetouchException differ = assertThrows(RetouchException.class,
                () -> Metrics.psnr(a, RgbImage.filled(2, 3, 0f), 1.0));
        assertTrue(differ.getMessage().contains("2x2") && differ.getMessage().contains("2x3"));
    }

    @Test
    void ssimProperties() {
        RgbImage a = random(16, 12, 1);
        RgbImage b = random(16, 12, 2);
        assertEquals(1.0, Metrics.ssim(a, a, 1.0), 1e-12);
        assertEquals(1.0, Metrics.ssim(a, a, 1.0, Mask.filled(16, 12, 1f), false), 1e-12);
        assertEquals(Metrics.ssim(a, b, 1.0), Metrics.ssim(b, a, 1.0), 1e-12);
        assertTrue(Metrics.ssim(a, b, 1.0) < 0.2);
        assertThrows(RetouchException.class, () -> Metrics.ssim(random(10, 12, 1), random(10, 12, 2), 1.0));
        ImageScores s = Metrics.compare(a, b, null, false);
        assertEquals(Metrics.psnr(a, b, 1.0), s.psnr());
        assertEquals(Metrics.ssim(a, b, 1.0), s.ssim());
        assertEquals(Metrics.mae(a, b), s.mae());
    }

    @Test
    void gaussianWeightsAndFilterMatchScipy() {
        // scipy.ndimage._filters._gaussian_kernel1d(1.5, 0, 5)[5:]
        double[] half = {0.26601172486179436, 0.2130055377112537, 0.10936068950970002, 0.03600077212843083,
                0.007598758135239185, 0.00102838008447911};
        assertEquals(11, Ssim.WEIGHTS.length);
        for (int k = 0; k <= 5; k++) {
            assertEquals(half[k], Ssim.WEIGHTS[5 + k], 1e-15);
            assertEquals(half[k], Ssim.WEIGHTS[5 - k], 1e-15);
        }
        // gaussian_filter(np.arange(12).reshape(3, 4) ** 2 / 100, 1.5, truncate=3.5, mode="reflect"):
        // the window is wider than the image, so the reflection repeats (period 2n)
        double[] img = new double[12];
        for (int i = 0; i < 12; i++) img[i] = i * i / 100.0;
        double[] expected = {0.23144636850263064, 0.26720500132812236, 0.31947287182356604, 0.3577310191335727,
                0.341443606334941, 0.3871408144425461, 0.4534451821972265, 0.5016419047893466,
                0.4536872133442063, 0.5093229967339248, 0.5896638617478418, 0.6477991596220752};
        assertArrayEquals(expected, Ssim.gaussian(img, 4, 3), 1e-13);
        // reflect: "d c b a | a b c d | d c b a"
        assertEquals(0, Ssim.reflect(-1, 4));
        assertEquals(3, Ssim.reflect(-4, 4));
        assertEquals(3, Ssim.reflect(4, 4));
        assertEquals(0, Ssim.reflect(7, 4));
        assertEquals(0, Ssim.reflect(8, 4));
    }

    @Test
    void iouMeanIouAndPixelAccuracy() {
        int[] a = {0, 0, 1, 1, 2, 2};
        int[] b = {0, 1, 1, 1, 2, 0};
        assertEquals(1.0 / 3, Metrics.iou(a, b, 0), 1e-12); // {0} / {0, 1, 5}
        assertEquals(2.0 / 3, Metrics.iou(a, b, 1), 1e-12); // {2, 3} / {1, 2, 3}
        assertEquals(1.0 / 2, Metrics.iou(a, b, 2), 1e-12); // {4} / {4, 5}
        assertTrue(Double.isNaN(Metrics.iou(a, b, 7)));
        assertEquals((1.0 / 3 + 2.0 / 3 + 1.0 / 2) / 3, Metrics.meanIou(a, b), 1e-12);
        assertEquals(1.0, Metrics.meanIou(a, a), 1e-12);
        assertEquals(4.0 / 6, Metrics.pixelAccuracy(a, b, null), 1e-12);
        Mask m = new Mask(3, 2, new float[] {1, 1, 0, 0, 0, 1}); // pixels 0, 1, 5
        assertEquals(1.0 / 3, Metrics.pixelAccuracy(a, b, m), 1e-12);
        assertThrows(RetouchException.class, () -> Metrics.pixelAccuracy(a, b, Mask.filled(3, 2, 0f)));
        assertThrows(RetouchException.class, () -> Metrics.iou(a, new int[5], 0));
    }
}
