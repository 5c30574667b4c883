package dev.retouch.core.metrics;

import dev.retouch.core.RetouchException;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, the "FID" formula, here in
 * whatever feature space the caller chooses):
 * <pre>
 *   FD = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2·(Σ₁Σ₂)^{1/2})
 * </pre>
 * with μ the feature means and Σ the unbiased (n − 1) covariances. tr((Σ₁Σ₂)^{1/2}) is computed in double
 * precision as tr(M^{1/2}) with the symmetric positive semi-definite M = Σ₁^{1/2}·Σ₂·Σ₁^{1/2} (same eigenvalues as
 * Σ₁Σ₂), both square roots by a cyclic Jacobi eigen-decomposition with negative round-off eigenvalues clamped
 * to 0. With fewer samples than dimensions the covariances are singular; the value is still defined but biased
 * upwards, so compare FDs only between sets of the same size.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** A Gaussian fit: mean (d) and covariance (d × d). */
    public record Gaussian(double[] mean, double[][] cov) {
        public Gaussian {
            int d = mean.length;
            if (d == 0 || cov.length != d) {
                throw new RetouchException("Gaussian: mean has " + d + " values but the covariance has " + cov.length
                        + " rows; expected a non-empty mean and a d x d covariance");
            }
            for (double[] row : cov) {
                if (row.length != d) {
                    throw new RetouchException("Gaussian: covariance row of length " + row.length + ", expected " + d);
                }
            }
        }

        /** Mean and unbiased covariance of {@code features} (n rows of d values, n ≥ 2). */
        public static Gaussian of(double[][] features) {
            int n = features.length;
            if (n < 2) {
                throw new RetouchException("Fréchet distance needs at least 2 feature vectors per set, found " + n);
            }
            int d = features[0].length;
            double[] mean = new double[d];
            for (double[] f : features) {
                if (f.length != d) {
                    throw new RetouchException("feature vectors differ in length: " + d + " vs " + f.length);
                }
                for (int k = 0; k < d; k++) mean[k] += f[k] / n;
            }
            double[][] cov = new double[d][d];
            for (double[] f : features) {
                for (int a = 0; a < d; a++) {
                    double da = f[a] - mean[a];
                    for (int b = a; b < d; b++) cov[a][b] += da * (f[b] - mean[b]);
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] /= n - 1;
                    cov[b][a] = cov[a][b];
                }
            }
            return new Gaussian(mean, cov);
        }
    }

    /** FD between the Gaussians fitted to two feature sets (rows are samples). */
    public static double of(double[][] a, double[][] b) {
        return between(Gaussian.of(a), Gaussian.of(b));
    }

    /** FD between two Gaussians of the same dimension. */
    public static double between(Gaussian p, Gaussian q) {
        int d = p.mean().length;
        if (q.mean().length != d) {
            throw new RetouchException("Fréchet distance: feature dimensions differ, " + d + " vs " + q.mean().length);
        }
        double meanTerm = 0;
        double trace = 0;
        for (int k = 0; k < d; k++) {
            double diff = p.mean()[k] - q.mean()[k];
            meanTerm += diff * diff;
            trace += p.cov()[k][k] + q.cov()[k][k];
        }
        double fd = meanTerm + trace - 2 * traceSqrtProduct(p.cov(), q.cov());
        return Math.max(0, fd);
    }

    /** tr((Σ₁Σ₂)^{1/2}) = tr((Σ₁^{1/2}Σ₂Σ₁^{1/2})^{1/2}) = Σ √λ_k. */
    static double traceSqrtProduct(double[][] s1, double[][] s2) {
        double[][] r = SymmetricEigen.sqrt(s1);
        double[][] m = SymmetricEigen.multiply(SymmetricEigen.multiply(r, s2), r);
        double sum = 0;
        for (double lambda : SymmetricEigen.of(m).values()) {
            sum += Math.sqrt(Math.max(0, lambda));
        }
        return sum;
    }
}
