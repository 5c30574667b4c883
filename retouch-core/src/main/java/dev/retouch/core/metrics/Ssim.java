package dev.retouch.core.metrics;

/**
 * Structural similarity exactly as scikit-image's {@code structural_similarity(a, b, data_range=R,
 * gaussian_weights=True, sigma=1.5, use_sample_covariance=False)} on one channel: local statistics from a
 * separable Gaussian filter (scipy {@code gaussian_filter}, truncate 3.5 → radius 5, an 11×11 window,
 * {@code mode="reflect"}, i.e. half-sample symmetric "d c b a | a b c d"), then (Wang et al. 2004, eq. 13)
 * <pre>
 *   S = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),  C1 = (K1 R)², C2 = (K2 R)²
 * </pre>
 * with population (co)variances. The mean SSIM crops {@code (win - 1) / 2 = 5} pixels from each border first.
 */
final class Ssim {

    static final double SIGMA = 1.5;
    static final double TRUNCATE = 3.5;
    static final int RADIUS = (int) (TRUNCATE * SIGMA + 0.5); // 5, as scipy.ndimage
    static final int WINDOW = 2 * RADIUS + 1; // 11
    static final double K1 = 0.01;
    static final double K2 = 0.03;

    /** scipy's 1-D Gaussian weights: exp(−x² / (2σ²)) for x in [−r, r], normalised to sum 1. */
    static final double[] WEIGHTS = gaussianWeights(SIGMA, RADIUS);

    private Ssim() {
    }

    /** The SSIM map (H, W) of two planes of one channel. */
    static double[] map(double[] x, double[] y, int w, int h, double dataRange) {
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] ux = gaussian(x, w, h);
        double[] uy = gaussian(y, w, h);
        double[] uxx = gaussian(xx, w, h);
        double[] uyy = gaussian(yy, w, h);
        double[] uxy = gaussian(xy, w, h);
        double c1 = (K1 * dataRange) * (K1 * dataRange);
        double c2 = (K2 * dataRange) * (K2 * dataRange);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double vx = uxx[i] - ux[i] * ux[i];
            double vy = uyy[i] - uy[i] * uy[i];
            double vxy = uxy[i] - ux[i] * uy[i];
            double a1 = 2 * ux[i] * uy[i] + c1;
            double a2 = 2 * vxy + c2;
            double b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1;
            double b2 = vx + vy + c2;
            s[i] = (a1 * a2) / (b1 * b2);
        }
        return s;
    }

    /** Mean of the map after cropping {@link #RADIUS} pixels from each border (skimage's {@code crop(S, pad)}). */
    static double croppedMean(double[] map, int w, int h) {
        double sum = 0;
        for (int y = RADIUS; y < h - RADIUS; y++) {
            for (int x = RADIUS; x < w - RADIUS; x++) {
                sum += map[y * w + x];
            }
        }
        return sum / ((double) (w - 2 * RADIUS) * (h - 2 * RADIUS));
    }

    /** scipy {@code gaussian_filter(img, 1.5, truncate=3.5, mode="reflect")}: along y (axis 0), then x. */
    static double[] gaussian(double[] img, int w, int h) {
        double[] cols = new double[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    acc += WEIGHTS[k + RADIUS] * img[reflect(y + k, h) * w + x];
                }
                cols[y * w + x] = acc;
            }
        }
        double[] out = new double[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    acc += WEIGHTS[k + RADIUS] * cols[y * w + reflect(x + k, w)];
                }
                out[y * w + x] = acc;
            }
        }
        return out;
    }

    /** scipy's "reflect" boundary (half-sample symmetric), periodic with period 2n for any index. */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    static double[] gaussianWeights(double sigma, int radius) {
        double[] w = new double[2 * radius + 1];
        double sigma2 = sigma * sigma;
        double sum = 0;
        for (int x = -radius; x <= radius; x++) {
            w[x + radius] = Math.exp(-0.5 / sigma2 * x * x);
            sum += w[x + radius];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }
}
