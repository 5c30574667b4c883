package dev.retouch.core.metrics;

/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in double precision: S = V·diag(λ)·Vᵀ
 * with orthonormal columns of V. Sweeps rotate every off-diagonal pair to zero until the off-diagonal mass is below
 * 1e-26 of the total (or 64 sweeps). O(d³) per sweep; meant for the few-hundred-dimensional feature spaces of the
 * metrics, not for large matrices.
 *
 * @param values  eigenvalues λ_k (unsorted)
 * @param vectors V, column k is the eigenvector of λ_k
 */
record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 64;

    static SymmetricEigen of(double[][] s) {
        int d = s.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = s[i].clone();
        }
        double[][] v = identity(d);
        double total = 0;
        for (double[] row : a) for (double x : row) total += x * x;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > 1e-26 * total; sweep++) {
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (a[p][q] != 0) rotate(a, v, p, q);
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) values[i] = a[i][i];
        return new SymmetricEigen(values, v);
    }

    /** Zeroes a[p][q] with the Jacobi rotation (Golub &amp; Van Loan, Alg. 8.4.1) and accumulates it into v. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int d = a.length;
        for (int k = 0; k < d; k++) { // columns p, q
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < d; k++) { // rows p, q
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < d; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    /** The PSD square root V·diag(√max(λ, 0))·Vᵀ. */
    static double[][] sqrt(double[][] s) {
        SymmetricEigen e = of(s);
        int d = s.length;
        double[][] r = new double[d][d];
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, e.values[k]));
            if (root == 0) continue;
            for (int i = 0; i < d; i++) {
                double vi = e.vectors[i][k] * root;
                for (int j = 0; j < d; j++) r[i][j] += vi * e.vectors[j][k];
            }
        }
        return r;
    }

    static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        int m = y[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < y.length; k++) {
                double xik = x[i][k];
                if (xik == 0) continue;
                for (int j = 0; j < m; j++) out[i][j] += xik * y[k][j];
            }
        }
        return out;
    }

    private static double offDiagonal(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) sum += a[i][j] * a[i][j];
            }
        }
        return sum;
    }

    private static double[][] identity(int d) {
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) v[i][i] = 1;
        return v;
    }
}
