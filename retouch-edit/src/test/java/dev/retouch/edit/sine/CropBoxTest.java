package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The patch sampler: sides in [0.1, 1]·size in whole latent cells, inside the image, seeded. */
class CropBoxTest {
    @Test
    void boxesAreAlignedInsideAndWithinTheSideRange() {
        Generator gen = Tensors.generator(7);
        int minSide = Integer.MAX_VALUE;
        int maxSide = 0;
        for (int i = 0; i < 2000; i++) {
            CropBox b = CropBox.sample(16, 16, 0.1, gen);
            assertTrue(b.fitsIn(16, 16), b.toString());
            assertTrue(b.height() >= 2 && b.height() <= 16 && b.width() >= 2 && b.width() <= 16, b.toString());
            minSide = Math.min(minSide, Math.min(b.height(), b.width()));
            maxSide = Math.max(maxSide, Math.max(b.height(), b.width()));
        }
        assertEquals(2, minSide, "⌈0.1·16⌉ = 2 cells is reached");
        assertEquals(16, maxSide, "the whole side is reached");
        for (int i = 0; i < 200; i++) {
            CropBox b = CropBox.sample(6, 10, 0.1, gen);
            assertTrue(b.fitsIn(6, 10) && b.height() >= 1 && b.width() >= 1, b.toString());
        }
    }

    @Test
    void deterministicForASeed() {
        assertEquals(draw(3), draw(3));
        assertTrue(!draw(3).equals(draw(4)));
    }

    private static List<CropBox> draw(long seed) {
        Generator gen = Tensors.generator(seed);
        List<CropBox> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(CropBox.sample(16, 16, 0.1, gen));
        }
        return out;
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> CropBox.sample(16, 16, 0, Tensors.generator(1)));
        assertThrows(IllegalArgumentException.class, () -> new CropBox(-1, 0, 2, 2));
    }
}
