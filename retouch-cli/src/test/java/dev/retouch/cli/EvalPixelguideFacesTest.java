package dev.retouch.cli;

import dev.retouch.eval.edit.PixelguideBenchmark;

import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's face rule: a face enters when the colour rules see a yellow face disc. */
class EvalPixelguideFacesTest {

    /** A disc of the given colour and radius, centred, on white. */
    private static RgbImage disc(float r, float g, float b, double radius) {
        float[] chw = new float[3 * 64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean in = Math.hypot(x - 31.5, y - 32.5) <= radius;
                int i = y * 64 + x;
                chw[i] = in ? r : 1;
                chw[4096 + i] = in ? g : 1;
                chw[8192 + i] = in ? b : 1;
            }
        }
        return new RgbImage(64, 64, chw);
    }

    @Test
    void aYellowDiscIsAFaceAndOtherColoursOrSmallDiscsAreNot() {
        assertTrue(PixelguideBenchmark.isYellowFace(disc(1f, 0.8f, 0.2f, 30)));
        assertFalse(PixelguideBenchmark.isYellowFace(disc(0.6f, 0.3f, 0.8f, 30)), "purple");
        assertFalse(PixelguideBenchmark.isYellowFace(disc(0.5f, 0.5f, 0.5f, 30)), "grey");
        // a yellow disc covering about a fifth of the image is below the 30 % share
        assertFalse(PixelguideBenchmark.isYellowFace(disc(1f, 0.8f, 0.2f, 16)), "small");
    }
}
