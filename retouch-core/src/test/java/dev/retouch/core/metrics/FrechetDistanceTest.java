package dev.retouch.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.RetouchException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
    private static double[][] diag(double... v) {
        double[][] m = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) m[i][i] = v[i];
        return m;
    }

    /** A random orthogonal matrix (Gram–Schmidt of a seeded Gaussian matrix). */
    private static double[][] rotation(int d, long seed) {
        Random r = new Random(seed);
        double[][] q = new double[d][d];
        for (int j = 0; j < d; j++) {
            double[] col = new double[d];
            for (int i = 0; i < d; i++) col[i] = r.nextGaussian();
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) dot += col[i] * q[i][k];
                for (int i = 0; i < d; i++) col[i] -= dot * q[i][k];
            }
            double norm = 0;
            for (double c : col) norm += c * c;
            for (int i = 0; i < d; i++) q[i][j] = col[i] / Math.sqrt(norm);
        }
        return q;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    private static double[][] conjugate(double[][] r, double[][] d) {
        return SymmetricEigen.multiply(SymmetricEigen.multiply(r, d), transpose(r));
    }

    /** ‖μ₁ − μ₂‖² + Σ (√a_k − √b_k)², the FD of Gaussians whose covariances share eigenvectors. */
    private static double closedForm(double[] m1, double[] m2, double[] a, double[] b) {
        double fd = 0;
        for (int k = 0; k < m1.length; k++) fd += (m1[k] - m2[k]) * (m1[k] - m2[k]);
        for (int k = 0; k < a.length; k++) fd += Math.pow(Math.sqrt(a[k]) - Math.sqrt(b[k]), 2);
        return fd;
    }

    @Test
    void diagonalCovariancesMatchTheClosedForm() {
        double[] m1 = {0, 1, 2};
        double[] m2 = {1, 1, -1};
        double[] a = {4, 1, 0.25};
        double[] b = {1, 9, 0.25};
        var p = new FrechetDistance.Gaussian(m1, diag(a));
        var q = new FrechetDistance.Gaussian(m2, diag(b));
        assertEquals(closedForm(m1, m2, a, b), FrechetDistance.between(p, q), 1e-12); // 10 + 1 + 4 + 0
        assertEquals(15.0, FrechetDistance.between(p, q), 1e-12);
    }

    @Test
    void rotatedCommutingCovariancesMatchTheClosedForm() {
        double[] a = {3, 0.5, 2, 7, 0.1, 1};
        double[] b = {1, 4, 2, 0.2, 0.3, 5};
        double[][] r = rotation(6, 11);
        double[] m1 = {1, 2, 3, 4, 5, 6};
        double[] m2 = {0, 2, 3, 4, 5, 8};
        var p = new FrechetDistance.Gaussian(m1, conjugate(r, diag(a)));
        var q = new FrechetDistance.Gaussian(m2, conjugate(r, diag(b)));
        assertEquals(closedForm(m1, m2, a, b), FrechetDistance.between(p, q), 1e-9);
        assertEquals(0.0, FrechetDistance.between(p, p), 1e-9);
    }

    @Test
    void nonCommuting2x2MatchesTheTraceFormula() {
        // For 2×2 PSD matrices, tr((Σ₁Σ₂)^½) = √(tr(Σ₁Σ₂) + 2·√(det Σ₁·det Σ₂)).
        double[][] s1 = {{2, 1}, {1, 3}};
        double[][] s2 = {{1, -0.5}, {-0.5, 4}};
        double[][] prod = SymmetricEigen.multiply(s1, s2);
        double expected = Math.sqrt(prod[0][0] + prod[1][1] + 2 * Math.sqrt(5 * 3.75));
        assertEquals(expected, FrechetDistance.traceSqrtProduct(s1, s2), 1e-12);
        var p = new FrechetDistance.Gaussian(new double[2], s1);
        var q = new FrechetDistance.Gaussian(new double[2], s2);
        assertEquals(5 + 5 - 2 * expected, FrechetDistance.between(p, q), 1e-12);
    }

    @Test
    void featuresUseTheUnbiasedCovarianceAndShiftsAddTheirSquaredNorm() {
        double[][] square = {{0, 0}, {2, 0}, {0, 2}, {2, 2}};
        var g = FrechetDistance.Gaussian.of(square);
        assertEquals(1.0, g.mean()[0], 0);
        assertEquals(4.0 / 3, g.cov()[0][0], 1e-15);
        assertEquals(0.0, g.cov()[0][1], 0);
        double[][] shifted = new double[4][];
        for (int i = 0; i < 4; i++) shifted[i] = new double[]{square[i][0] + 3, square[i][1] - 4};
        assertEquals(25.0, FrechetDistance.of(square, shifted), 1e-12);
        assertEquals(0.0, FrechetDistance.of(square, square), 1e-12);
    }

    @Test
    void jacobiReconstructsARandomSymmetricMatrix() {
        Random r = new Random(3);
        int d = 24;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = i; j < d; j++) s[i][j] = s[j][i] = r.nextGaussian();
        SymmetricEigen e = SymmetricEigen.of(s);
        double[][] back = conjugate(e.vectors(), diag(e.values()));
        double[][] vtv = SymmetricEigen.multiply(transpose(e.vectors()), e.vectors());
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(s[i][j], back[i][j], 1e-10);
                assertEquals(i == j ? 1 : 0, vtv[i][j], 1e-10);
            }
        }
    }

    @Test
    void badInputsAreNamed() {
        assertThrows(RetouchException.class, () -> FrechetDistance.of(new double[][]{{1}}, new double[][]{{1}, {2}}));
        assertThrows(RetouchException.class, () -> FrechetDistance.of(new double[][]{{1}, {2}},
                new double[][]{{1, 2}, {2, 3}}));
    }
}
