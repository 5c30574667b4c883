package dev.retouch.eval.rectifier;

import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The truth-based reading of an edit: progress inside the region the truth changes, damage outside it. */
class RegionErrorsTest {
    /** A 2×1 image: pixel 0 grey level a, pixel 1 grey level b (all three channels). */
    private static RgbImage two(float a, float b) {
        return new RgbImage(2, 1, new float[]{a, b, a, b, a, b});
    }

    @Test
    void progressIsMeasuredInsideTheTruthsRegionAndDamageOutsideIt() {
        RgbImage input = two(0.9f, 0.5f);
        RgbImage truth = two(0.3f, 0.5f); // pixel 0 is the edit region (0.6 apart), pixel 1 must stay
        // the truth itself: nothing left inside, no damage outside
        assertArrayEquals(new double[]{0, 3 * 0.6, 0}, RectifierBenchmark.regionErrors(input, truth, truth), 1e-6);
        // no edit: as far as the input inside
        assertArrayEquals(new double[]{3 * 0.6, 3 * 0.6, 0}, RectifierBenchmark.regionErrors(input, truth, input),
                1e-6);
        // half way inside, and pixel 1 moved by 0.2 where nothing should change
        assertArrayEquals(new double[]{3 * 0.3, 3 * 0.6, 0.2},
                RectifierBenchmark.regionErrors(input, truth, two(0.6f, 0.7f)), 1e-6);
        // a change below the threshold (0.05 < 0.1) is not part of the region: both pixels are outside, the mean
        // change over their samples is 0.025
        assertArrayEquals(new double[]{0, 0, 0.025},
                RectifierBenchmark.regionErrors(input, two(0.9f, 0.55f), two(0.9f, 0.55f)), 1e-6);
    }
}
