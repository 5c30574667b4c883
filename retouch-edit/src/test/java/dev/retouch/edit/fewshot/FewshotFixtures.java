package dev.retouch.edit.fewshot;

import dev.retouch.core.image.RgbImage;
import dev.retouch.data.pairs.ImagePair;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic pairs of a known effect: a yellow disk at a random place and size on white, and the same disk turned
 * brown (only the disk changes, like a skin-tone edit). Values on the 8-bit grid, so PNG round trips are exact.
 */
public final class FewshotFixtures {
    static final float[] YELLOW = {255 / 255f, 204 / 255f, 77 / 255f};
    static final float[] BROWN = {112 / 255f, 72 / 255f, 48 / 255f};

    private FewshotFixtures() {
    }

    public static List<ImagePair> disks(int count, int size, long seed) {
        Random r = new Random(seed);
        List<ImagePair> pairs = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double cx = size * (0.3 + 0.4 * r.nextDouble());
            double cy = size * (0.3 + 0.4 * r.nextDouble());
            double rad = size * (0.15 + 0.15 * r.nextDouble());
            pairs.add(new ImagePair("p" + k, disk(size, cx, cy, rad, YELLOW), disk(size, cx, cy, rad, BROWN)));
        }
        return pairs;
    }

    static RgbImage disk(int size, double cx, double cy, double rad, float[] colour) {
        int n = size * size;
        float[] chw = new float[3 * n];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean in = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < rad;
                for (int c = 0; c < 3; c++) {
                    chw[c * n + y * size + x] = in ? colour[c] : 1f;
                }
            }
        }
        return new RgbImage(size, size, chw);
    }
}
