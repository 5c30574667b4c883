package dev.retouch.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MaskTest {

    private static Mask single(int w, int h, int x, int y) {
        float[] v = new float[w * h];
        v[y * w + x] = 1f;
        return new Mask(w, h, v);
    }

    @Test
    void dilatingOnePixelThreeTimesGivesA7x7Square() {
        Mask m = single(15, 13, 7, 6).dilate(3);
        assertEquals(49, m.count());
        for (int y = 0; y < 13; y++) {
            for (int x = 0; x < 15; x++) {
                boolean expected = Math.abs(x - 7) <= 3 && Math.abs(y - 6) <= 3;
                assertEquals(expected ? 1f : 0f, m.get(y, x), "at " + x + "," + y);
            }
        }
    }

    @Test
    void dilationStopsAtTheBorder() {
        Mask m = single(10, 10, 0, 0).dilate(3); // cv2: the border does not extend the mask
        assertEquals(16, m.count());
        assertEquals(1f, m.get(3, 3));
        assertEquals(0f, m.get(4, 0));
        assertEquals(single(10, 10, 0, 0), single(10, 10, 0, 0).dilate(0));
    }

    @Test
    void dilationOfSoftValuesIsAMaximumFilter() {
        Mask m = new Mask(3, 1, new float[] {0.2f, 0f, 0.7f}).dilate(1);
        assertArrayEquals(new float[] {0.2f, 0.7f, 0.7f}, m.values());
    }

    @Test
    void setOperations() {
        Mask a = new Mask(2, 2, new float[] {1f, 0f, 0.6f, 0.3f});
        Mask b = new Mask(2, 2, new float[] {0f, 0f, 1f, 0.5f});
        assertArrayEquals(new float[] {1f, 0f, 1f, 0.5f}, a.union(b).values());
        assertArrayEquals(new float[] {0f, 0f, 0.6f, 0.3f}, a.intersect(b).values());
        assertArrayEquals(new float[] {0f, 1f, 0.4f, 0.7f}, a.invert().values(), 1e-6f);
        assertArrayEquals(new float[] {1f, 0f, 1f, 0f}, a.binary(0.5f).values());
        assertArrayEquals(new float[] {1f, 0f, 1f, 1f}, a.binary(0.3f).values());
        assertEquals(2, a.count());
        assertEquals(2, b.count()); // 0.5 counts as inside
        assertThrows(IllegalArgumentException.class, () -> a.union(Mask.filled(3, 2, 0f)));
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> new Mask(2, 2, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new Mask(0, 2, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Mask(1, 1, new float[] {1.5f}));
        assertThrows(IllegalArgumentException.class, () -> new Mask(1, 1, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(1, 1, new float[] {0, 0, -0.1f}));
        assertThrows(IllegalArgumentException.class, () -> new RgbImage(2, 1, new float[3]));
        RgbImage img = new RgbImage(2, 1, new float[] {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f});
        assertEquals(0.3f, img.get(1, 0, 1));
        assertEquals(0.4f, img.get(2, 0, 0));
        assertEquals(img, new RgbImage(2, 1, img.chw().clone()));
    }
}
