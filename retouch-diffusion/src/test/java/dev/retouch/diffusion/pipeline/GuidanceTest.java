package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guidance algebra on constant tensors, against the nested difference form written out by hand. */
class GuidanceTest {
    private static Tensor constant(double v) {
        return torch.full(new long[]{2, 3}, Tensors.s(v));
    }

    private static float value(Tensor t) {
        float[] v = Tensors.toFloats(t);
        for (float x : v) {
            assertEquals(v[0], x, "a constant tensor stays constant");
        }
        return v[0];
    }

    @Test
    void classifierFreeIsUnconditionalPlusScaledDifference() {
        // ε_u = 1, ε_c = 3: ε_u + g·(ε_c − ε_u)
        for (double g : new double[]{0, 0.5, 1, 2, 7.5}) {
            float got = value(Guidance.classifierFree(g).combine(List.of(constant(1), constant(3))));
            assertEquals(1 + g * (3 - 1), got, 1e-6, "g = " + g);
        }
    }

    @Test
    void nestedGuidanceMatchesTheDifferenceForm() {
        double[] eps = {1.0, 2.0, 5.0, -4.0}; // ε_∅, ε_{c1}, ε_{c1,c2}, ε_{c1,c2,c3}
        double[][] weightSets = {{2, 3, 0.5}, {1, 1, 1}, {0, 0, 0}, {7.5, 1.5, 0}, {-1, 2, 3}};
        for (double[] w : weightSets) {
            double want = eps[0];
            for (int i = 1; i <= w.length; i++) {
                want += w[i - 1] * (eps[i] - eps[i - 1]);
            }
            float got = value(Guidance.nested(w).combine(List.of(constant(eps[0]), constant(eps[1]), constant(eps[2]),
                    constant(eps[3]))));
            assertEquals(want, got, 1e-5, java.util.Arrays.toString(w));
        }
        // InstructPix2Pix (Eq. 3) with s_I = 1.5 on the image and s_T = 7.5 on the text:
        // ε_∅ + 1.5·(ε_I − ε_∅) + 7.5·(ε_IT − ε_I) with ε_∅ = 1, ε_I = 2, ε_IT = 5 gives 1 + 1.5 + 22.5 = 25.
        assertEquals(25.0, value(Guidance.nested(1.5, 7.5).combine(List.of(constant(1), constant(2), constant(5)))),
                1e-5);
    }

    @Test
    void coefficientsSumToOneAndOnlyNonZeroBranchesAreNeeded() {
        assertArrayEquals(new double[]{-6.5, 7.5}, Guidance.classifierFree(7.5).coefficients(), 1e-12);
        assertArrayEquals(new int[]{1}, Guidance.classifierFree(1).needed(), "g = 1: the conditional branch only");
        assertArrayEquals(new int[]{0}, Guidance.classifierFree(0).needed(), "g = 0: the unconditional branch only");
        assertArrayEquals(new int[]{0, 1}, Guidance.classifierFree(3).needed());
        assertArrayEquals(new int[]{2}, Guidance.nested(1, 1).needed(), "all weights 1 telescope to the last branch");
        assertArrayEquals(new int[]{0, 1, 2}, Guidance.nested(1.5, 7.5).needed());
        double[] a = Guidance.nested(2, 3, 0.5).coefficients();
        assertEquals(1.0, a[0] + a[1] + a[2] + a[3], 1e-12);
        assertArrayEquals(new double[]{-1, -1, 2.5, 0.5}, a, 1e-12);
        // combining only the needed predictions gives the same as combining all
        Guidance g = Guidance.nested(1, 3);
        assertArrayEquals(new int[]{1, 2}, g.needed());
        assertEquals(value(g.combine(List.of(constant(9), constant(2), constant(5)))),
                value(g.combineNeeded(List.of(constant(2), constant(5)))));
    }

    @Test
    void badWeightsAndCountsAreRefused() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Guidance.classifierFree(-1));
        assertTrue(neg.getMessage().contains("guidance scale must be a finite number >= 0, got -1"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Guidance.classifierFree(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Guidance.classifierFree(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Guidance.nested());
        assertThrows(IllegalArgumentException.class, () -> Guidance.nested(1, Double.NaN));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Guidance.classifierFree(2).combine(List.of(constant(1))));
        assertTrue(count.getMessage().contains("needs 2 predictions, got 1"), count.getMessage());
    }
}
