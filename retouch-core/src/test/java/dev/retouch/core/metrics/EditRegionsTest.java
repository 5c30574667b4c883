package dev.retouch.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.retouch.core.image.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class EditRegionsTest {
    /** A 4×1 white image with the given pixels' red channel set to {@code red}. */
    private static RgbImage row(float red, int... pixels) {
        float[] chw = new float[12];
        java.util.Arrays.fill(chw, 1f);
        for (int p : pixels) chw[p] = red;
        return new RgbImage(4, 1, chw);
    }

    @Test
    void changedUsesTheLargestChannelDifferenceAboveTheThreshold() {
        RgbImage white = row(1f);
        assertArrayEquals(new boolean[]{false, true, false, false}, EditRegions.changed(white, row(0.5f, 1), 0.1));
        assertArrayEquals(new boolean[4], EditRegions.changed(white, row(0.95f, 1), 0.1));
    }

    @Test
    void diouIsTheIouOfTheUnionsAndMeanIouAveragesPerImage() {
        RgbImage w = row(1f);
        // pair 1: truth changes pixel 0, the model changes 0 and 1; pair 2: truth changes 2, the model changes 1.
        List<RgbImage> sources = List.of(w, w);
        List<RgbImage> targets = List.of(row(0f, 0), row(0f, 2));
        List<RgbImage> edited = List.of(row(0f, 0, 1), row(0f, 1));
        // unions: expected {0, 2}, actual {0, 1} → 1/3; per image: 1/2 and 0 → 1/4
        assertEquals(1.0 / 3, EditRegions.diou(sources, targets, edited, 0.1), 1e-12);
        assertEquals(0.25, EditRegions.meanIou(sources, targets, edited, 0.1), 1e-12);
        assertEquals(1.0, EditRegions.diou(sources, targets, targets, 0.1), 0);
        assertEquals(1.0, EditRegions.iou(new boolean[3], new boolean[3]), 0);
    }
}
