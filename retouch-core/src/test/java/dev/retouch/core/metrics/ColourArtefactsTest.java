package dev.retouch.core.metrics;

import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ColourArtefactsTest {
    /** A w×1 image from RGB triples in 0–255. */
    private static RgbImage row(int... rgb) {
        int n = rgb.length / 3;
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                chw[c * n + i] = rgb[3 * i + c] / 255f;
            }
        }
        return new RgbImage(n, 1, chw);
    }

    @Test
    void countsOnlyRegionPixelsFarFromEveryInputColour() {
        RgbImage input = row(255, 215, 0, 0, 0, 0, 255, 255, 255, 255, 215, 0);       // yellow, black, white, yellow
        RgbImage output = row(250, 210, 10, 0, 200, 0, 200, 0, 0, 0, 255, 0);        // near yellow, green, red, green
        Mask all = Mask.filled(4, 1, 1f);
        assertEquals(3 / 4.0, ColourArtefacts.share(input, output, all, ColourArtefacts.DEFAULT_THRESHOLD), 1e-12);
        Mask firstTwo = new Mask(4, 1, new float[]{1, 1, 0, 0});
        assertEquals(1 / 2.0, ColourArtefacts.share(input, output, firstTwo, ColourArtefacts.DEFAULT_THRESHOLD), 1e-12);
        assertEquals(0.0, ColourArtefacts.share(input, input, all, ColourArtefacts.DEFAULT_THRESHOLD), 1e-12);
        // 59 away on one channel is near, 61 is not
        assertEquals(0.0, ColourArtefacts.share(row(100, 100, 100), row(159, 100, 100), Mask.filled(1, 1, 1f),
                ColourArtefacts.DEFAULT_THRESHOLD), 1e-12);
        assertEquals(1.0, ColourArtefacts.share(row(100, 100, 100), row(161, 100, 100), Mask.filled(1, 1, 1f),
                ColourArtefacts.DEFAULT_THRESHOLD), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ColourArtefacts.share(input, row(1, 2, 3), all, 0.1));
    }
}
