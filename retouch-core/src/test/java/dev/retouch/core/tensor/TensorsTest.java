package dev.retouch.core.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tensor helpers every other test relies on: creation, read-back, dtypes, scopes, seeded noise. */
class TensorsTest {

    @Test
    void ofAndToFloatsRoundTripInRowMajorOrder() {
        float[] v = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensors.of(v, 2, 3);
        assertArrayEquals(new long[]{2, 3}, Tensors.shape(t));
        assertEquals("[2, 3]", Tensors.shapeString(t));
        assertArrayEquals(v, Tensors.toFloats(t));
        assertEquals(6f, t.select(0, 1).select(0, 2).item_float());
        // a non-contiguous view reads back in its logical order
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, Tensors.toFloats(t.transpose(0, 1)));
        // other dtypes convert to float
        assertArrayEquals(new float[]{1.5f, -2f}, Tensors.toFloats(Tensors.of(new float[]{1.5f, -2f}, 2).to(torch.ScalarType.Half)));
        assertArrayEquals(new float[]{7, 8}, Tensors.toFloats(Tensor.create(new long[]{7, 8}, 2)));
    }

    @Test
    void dtypeReturnsTheDeclaredConstants() {
        assertEquals(torch.ScalarType.Float, Tensors.dtype(torch.zeros(2)));
        assertEquals(torch.ScalarType.Half, Tensors.dtype(torch.zeros(2).to(torch.ScalarType.Half)));
        assertEquals(torch.ScalarType.BFloat16, Tensors.dtype(torch.zeros(2).to(torch.ScalarType.BFloat16)));
        assertEquals(torch.ScalarType.Long, Tensors.dtype(Tensor.create(new long[]{1}, 1)));
        assertEquals(torch.ScalarType.Bool, Tensors.dtype(torch.zeros(2).gt(Tensors.s(0))));
    }

    @Test
    void catConcatenatesAlongADimension() {
        Tensor a = Tensors.of(new float[]{1, 2}, 1, 2);
        Tensor b = Tensors.of(new float[]{3, 4, 5, 6}, 2, 2);
        Tensor c = Tensors.cat(0, a, b);
        assertArrayEquals(new long[]{3, 2}, Tensors.shape(c));
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Tensors.toFloats(c));
        assertArrayEquals(new float[]{1, 2, 1, 2}, Tensors.toFloats(Tensors.cat(1, a, a)));
    }

    @Test
    void seededNoiseIsReproducibleAndStandard() {
        float[] a = Tensors.toFloats(Tensors.randn(Tensors.generator(42), 4000));
        float[] b = Tensors.toFloats(Tensors.randn(Tensors.generator(42), 4000));
        float[] c = Tensors.toFloats(Tensors.randn(Tensors.generator(43), 4000));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        double m = 0;
        double sq = 0;
        for (float f : a) {
            m += f;
            sq += f * f;
        }
        assertEquals(0, m / a.length, 0.05);
        assertEquals(1, Math.sqrt(sq / a.length), 0.05);
        float[] u = Tensors.toFloats(Tensors.rand(Tensors.generator(1), 1000));
        for (float f : u) {
            assertTrue(f >= 0 && f < 1);
        }
        // one generator advances: two draws differ
        var g = Tensors.generator(7);
        assertFalse(java.util.Arrays.equals(Tensors.toFloats(Tensors.randn(g, 8)), Tensors.toFloats(Tensors.randn(g, 8))));
    }

    @Test
    void keptTensorsOutliveTheirScope() {
        Tensor kept;
        Tensor dropped;
        try (PointerScope ignored = new PointerScope()) {
            kept = Tensors.keep(Tensors.of(new float[]{1, 2, 3}, 3).mul(Tensors.s(2)));
            dropped = Tensors.of(new float[]{1}, 1);
        }
        assertFalse(kept.isNull());
        assertArrayEquals(new float[]{2, 4, 6}, Tensors.toFloats(kept));
        assertTrue(dropped.isNull(), "a tensor not kept is freed with its scope");
        Tensors.release(kept);
        assertTrue(kept.isNull());
    }

    @Test
    void allFiniteDetectsNanAndInfinity() {
        assertTrue(Tensors.allFinite(Tensors.of(new float[]{0, -1e30f, 3}, 3)));
        assertFalse(Tensors.allFinite(Tensors.of(new float[]{0, Float.NaN}, 2)));
        assertFalse(Tensors.allFinite(Tensors.of(new float[]{Float.NEGATIVE_INFINITY}, 1)));
    }

    @Test
    void ofRejectsArraysThatDoNotFillTheShape() {
        // a short array used to be read past its end (garbage values), a long one failed deep in JavaCPP
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.of(new float[]{1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("3 values do not fill shape [2, 2] (4 elements)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensors.of(new float[]{1, 2, 3, 4, 5}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensors.of(new float[0], -1));
        assertArrayEquals(new long[0], Tensors.shape(Tensors.of(new float[]{5}))); // a scalar
        assertEquals(0, Tensors.of(new float[0], 0, 3).numel());
    }
}
