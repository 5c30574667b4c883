package dev.retouch.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ResizeTest {

    /** A one-row image whose three channels all hold {@code v}. */
    private static RgbImage row(float... v) {
        float[] chw = new float[3 * v.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(v, 0, chw, c * v.length, v.length);
        }
        return new RgbImage(v.length, 1, chw);
    }

    private static float[] red(RgbImage img) {
        return java.util.Arrays.copyOf(img.chw(), img.pixels());
    }

    @Test
    void areaDownByTwoIsTheBlockMean() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) v[i] = i / 16f;
        float[] chw = new float[48];
        for (int c = 0; c < 3; c++) System.arraycopy(v, 0, chw, c * 16, 16);
        RgbImage out = Resize.area(new RgbImage(4, 4, chw), 2, 2);
        // blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15} / 16
        float[] expected = {2.5f / 16, 4.5f / 16, 10.5f / 16, 12.5f / 16};
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out.chw(), c * 4, c * 4 + 4), 1e-6f);
        }
    }

    @Test
    void areaAtNonIntegerRatiosWeighsByOverlap() {
        float a0 = 0.1f, a1 = 0.6f, a2 = 0.9f;
        // 3 → 2: output 0 covers source [0, 1.5), output 1 covers [1.5, 3)
        assertArrayEquals(new float[] {(a0 + 0.5f * a1) / 1.5f, (0.5f * a1 + a2) / 1.5f},
                red(Resize.area(row(a0, a1, a2), 2, 1)), 1e-6f);
        // 2 → 3 (up): output 1 covers [2/3, 4/3), half on each source pixel
        assertArrayEquals(new float[] {a0, (a0 + a1) / 2, a1}, red(Resize.area(row(a0, a1), 3, 1)), 1e-6f);
        // 5 → 2: [0, 2.5) and [2.5, 5)
        float[] five = {0.1f, 0.2f, 0.4f, 0.8f, 1f};
        assertArrayEquals(new float[] {(0.1f + 0.2f + 0.5f * 0.4f) / 2.5f, (0.5f * 0.4f + 0.8f + 1f) / 2.5f},
                red(Resize.area(row(five), 2, 1)), 1e-6f);
        RgbImage img = ImagesTest.randomImage(7, 5, 3);
        assertEquals(img, Resize.area(img, 7, 5));
        // the mean is preserved by area resampling
        RgbImage down = Resize.area(img, 3, 2);
        assertEquals(mean(img), mean(down), 1e-5);
    }

    @Test
    void bilinearUsesHalfPixelCentres() {
        float a0 = 0.2f, a1 = 1f;
        assertArrayEquals(new float[] {a0, 0.75f * a0 + 0.25f * a1, 0.25f * a0 + 0.75f * a1, a1},
                red(Resize.bilinear(row(a0, a1), 4, 1)), 1e-6f);
        float[] four = {0.1f, 0.3f, 0.6f, 1f};
        assertArrayEquals(new float[] {0.2f, 0.8f}, red(Resize.bilinear(row(four), 2, 1)), 1e-6f); // no antialias
    }

    @Test
    void nearestFollowsTorchIndexRule() {
        float[] four = {0.1f, 0.3f, 0.6f, 1f};
        assertArrayEquals(new float[] {0.1f, 0.3f, 0.6f}, red(Resize.nearest(row(four), 3, 1)));
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.3f, 0.3f, 0.6f}, red(Resize.nearest(row(0.1f, 0.3f, 0.6f), 5, 1)));
        assertArrayEquals(new float[] {0.1f, 0.6f}, red(Resize.nearest(row(four), 2, 1)));
    }

    @Test
    void bilinearAndNearestMatchLibtorch() {
        int[][] sizes = {{7, 5, 3, 2}, {5, 4, 13, 9}, {10, 10, 7, 7}, {6, 9, 6, 9}, {4, 3, 8, 6}, {9, 8, 4, 11}};
        try (PointerScope scope = new PointerScope()) {
            for (int[] s : sizes) {
                RgbImage img = ImagesTest.randomImage(s[0], s[1], s[0] * 31 + s[2]);
                Tensor x = Tensor.create(img.chw(), 1, 3, s[1], s[0]); // (1, 3, H, W)
                Tensor bilinear = torch.upsample_bilinear2d(x, new long[] {s[3], s[2]}, false);
                Tensor nearest = torch.upsample_nearest2d(x, new long[] {s[3], s[2]});
                String what = s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3];
                assertArrayEquals(ImageTensors.readFloats(bilinear), Resize.bilinear(img, s[2], s[3]).chw(), 1e-6f,
                        "bilinear " + what);
                assertArrayEquals(ImageTensors.readFloats(nearest), Resize.nearest(img, s[2], s[3]).chw(),
                        "nearest " + what);
            }
        }
    }

    @Test
    void masksResizeNearestStayBinaryAndAreaGivesCoverage() {
        Mask m = new Mask(4, 2, new float[] {1, 0, 0, 0, 1, 1, 0, 1});
        Mask n = Resize.nearest(m, 8, 4);
        assertEquals(4 * m.count(), n.count());
        for (float v : n.values()) assertEquals(v == 0f || v == 1f, true);
        Mask a = Resize.area(m, 2, 1);
        assertArrayEquals(new float[] {0.75f, 0.25f}, a.values(), 1e-6f);
    }

    private static double mean(RgbImage img) {
        double s = 0;
        for (float v : img.chw()) s += v;
        return s / img.chw().length;
    }
}
