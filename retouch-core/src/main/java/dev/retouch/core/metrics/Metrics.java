package dev.retouch.core.metrics;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;

import java.util.HashMap;
import java.util.Map;

/**
 * Image and label metrics in plain Java (double accumulation), no tensors.
 *
 * <ul>
 *   <li>MSE, MAE over all values; PSNR = 10·log10(R² / MSE) with data range R (1 for [0, 1] images), returning
 *       {@link Double#POSITIVE_INFINITY} when the images are identical (as scikit-image).</li>
 *   <li>SSIM matches scikit-image's {@code structural_similarity(..., channel_axis=..., data_range=R,
 *       gaussian_weights=True, sigma=1.5, use_sample_covariance=False)}: per channel, the SSIM map's mean after
 *       cropping 5 pixels per border, averaged over channels (see {@link Ssim}). Images must be ≥ 11×11.</li>
 *   <li>Masked variants select the pixels where the mask is ≥ 0.5 ({@code outside = false}) or below 0.5
 *       ({@code outside = true}), all three channels. Masked MSE/MAE/PSNR use only the selected values. Masked
 *       SSIM is the mean of the full, uncropped SSIM map (computed on the whole images, so the window still
 *       sees the context) over the selected pixels, averaged over channels. A selection with no pixel is an
 *       error.</li>
 *   <li>IoU per class, mean IoU over the classes present in either labelling, pixel accuracy.</li>
 * </ul>
 */
public final class Metrics {

    private Metrics() {
    }

    /** Mean squared error over all values. */
    public static double mse(float[] a, float[] b) {
        requireSameLength(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return sum / a.length;
    }

    /** Mean absolute error over all values. */
    public static double mae(float[] a, float[] b) {
        requireSameLength(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] - b[i]);
        }
        return sum / a.length;
    }

    /** PSNR in dB for values with range {@code dataRange}; {@code +∞} when identical. */
    public static double psnr(float[] a, float[] b, double dataRange) {
        return psnrFromMse(mse(a, b), dataRange);
    }

    /** Mean squared error over all pixels and channels. */
    public static double mse(RgbImage a, RgbImage b) {
        requireSameSize(a, b);
        return mse(a.chw(), b.chw());
    }

    /** Mean absolute error over all pixels and channels. */
    public static double mae(RgbImage a, RgbImage b) {
        requireSameSize(a, b);
        return mae(a.chw(), b.chw());
    }

    /** PSNR in dB; {@code +∞} when identical. */
    public static double psnr(RgbImage a, RgbImage b, double dataRange) {
        return psnrFromMse(mse(a, b), dataRange);
    }

    /** Mean SSIM as scikit-image (Gaussian window, σ = 1.5, population covariance), averaged over channels. */
    public static double ssim(RgbImage a, RgbImage b, double dataRange) {
        requireSsimSize(a, b);
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            double[] map = Ssim.map(plane(a, c), plane(b, c), a.width(), a.height(), dataRange);
            sum += Ssim.croppedMean(map, a.width(), a.height());
        }
        return sum / 3;
    }

    /** MSE over the pixels inside the mask ({@code outside = false}) or outside it, all channels. */
    public static double mse(RgbImage a, RgbImage b, Mask mask, boolean outside) {
        return masked(a, b, mask, outside, true);
    }

    /** MAE over the pixels inside the mask ({@code outside = false}) or outside it, all channels. */
    public static double mae(RgbImage a, RgbImage b, Mask mask, boolean outside) {
        return masked(a, b, mask, outside, false);
    }

    /** PSNR over the pixels inside the mask ({@code outside = false}) or outside it; {@code +∞} if equal there. */
    public static double psnr(RgbImage a, RgbImage b, double dataRange, Mask mask, boolean outside) {
        return psnrFromMse(mse(a, b, mask, outside), dataRange);
    }

    /** Mean of the (uncropped) SSIM map over the selected pixels, averaged over channels. */
    public static double ssim(RgbImage a, RgbImage b, double dataRange, Mask mask, boolean outside) {
        requireSsimSize(a, b);
        boolean[] selected = select(a, mask, outside);
        double sum = 0;
        int count = 0;
        for (int c = 0; c < 3; c++) {
            double[] map = Ssim.map(plane(a, c), plane(b, c), a.width(), a.height(), dataRange);
            for (int i = 0; i < map.length; i++) {
                if (selected[i]) {
                    sum += map[i];
                    count++;
                }
            }
        }
        return sum / count;
    }

    /**
     * PSNR, SSIM and MAE of {@code image} against {@code reference} (data range 1): over the whole image when
     * {@code maskOrNull} is null, else inside the mask ({@code outside = false}) or outside it.
     */
    public static ImageScores compare(RgbImage reference, RgbImage image, Mask maskOrNull, boolean outside) {
        if (maskOrNull == null) {
            return new ImageScores(psnr(reference, image, 1.0), ssim(reference, image, 1.0), mae(reference, image));
        }
        return new ImageScores(psnr(reference, image, 1.0, maskOrNull, outside),
                ssim(reference, image, 1.0, maskOrNull, outside), mae(reference, image, maskOrNull, outside));
    }

    /** Intersection over union of class {@code cls} in two labellings; NaN when neither contains it. */
    public static double iou(int[] a, int[] b, int cls) {
        requireSameLength(a.length, b.length);
        long inter = 0;
        long union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean inA = a[i] == cls;
            boolean inB = b[i] == cls;
            if (inA && inB) inter++;
            if (inA || inB) union++;
        }
        return union == 0 ? Double.NaN : (double) inter / union;
    }

    /** Mean IoU over the classes present in either labelling; NaN for empty labellings. */
    public static double meanIou(int[] a, int[] b) {
        requireSameLength(a.length, b.length);
        Map<Integer, long[]> counts = new HashMap<>(); // class → {intersection, union}
        for (int i = 0; i < a.length; i++) {
            counts.computeIfAbsent(a[i], k -> new long[2])[1]++;
            if (a[i] == b[i]) {
                counts.get(a[i])[0]++;
            } else {
                counts.computeIfAbsent(b[i], k -> new long[2])[1]++;
            }
        }
        double sum = 0;
        for (long[] c : counts.values()) {
            sum += (double) c[0] / c[1];
        }
        return counts.isEmpty() ? Double.NaN : sum / counts.size();
    }

    /** Fraction of pixels where the labels agree, over the pixels inside {@code maskOrNull} (all when null). */
    public static double pixelAccuracy(int[] predicted, int[] target, Mask maskOrNull) {
        requireSameLength(predicted.length, target.length);
        if (maskOrNull != null && maskOrNull.values().length != predicted.length) {
            throw new RetouchException("mask has " + maskOrNull.values().length + " pixels (" + maskOrNull.width()
                    + "x" + maskOrNull.height() + "), expected " + predicted.length + " like the labels");
        }
        long total = 0;
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (maskOrNull == null || maskOrNull.inside(i)) {
                total++;
                if (predicted[i] == target[i]) correct++;
            }
        }
        if (total == 0) {
            throw new RetouchException("pixel accuracy: the mask selects no pixels, expected at least one");
        }
        return (double) correct / total;
    }

    private static double masked(RgbImage a, RgbImage b, Mask mask, boolean outside, boolean squared) {
        requireSameSize(a, b);
        boolean[] selected = select(a, mask, outside);
        int n = a.pixels();
        double sum = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            if (!selected[i]) continue;
            for (int c = 0; c < 3; c++) {
                double d = (double) a.chw()[c * n + i] - b.chw()[c * n + i];
                sum += squared ? d * d : Math.abs(d);
            }
            count += 3;
        }
        return sum / count;
    }

    /** The selected pixels; fails when the mask's size differs or nothing is selected. */
    private static boolean[] select(RgbImage image, Mask mask, boolean outside) {
        if (mask.width() != image.width() || mask.height() != image.height()) {
            throw new RetouchException("mask is " + mask.width() + "x" + mask.height() + ", expected "
                    + image.width() + "x" + image.height() + " like the images");
        }
        boolean[] selected = new boolean[image.pixels()];
        int count = 0;
        for (int i = 0; i < selected.length; i++) {
            selected[i] = mask.inside(i) != outside;
            if (selected[i]) count++;
        }
        if (count == 0) {
            throw new RetouchException("the mask selects no pixels " + (outside ? "outside" : "inside")
                    + " the region, expected at least one");
        }
        return selected;
    }

    private static double psnrFromMse(double mse, double dataRange) {
        if (!(dataRange > 0)) {
            throw new IllegalArgumentException("data range must be positive, found " + dataRange);
        }
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(dataRange * dataRange / mse);
    }

    private static double[] plane(RgbImage image, int c) {
        int n = image.pixels();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = image.chw()[c * n + i];
        }
        return p;
    }

    private static void requireSameSize(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new RetouchException("images differ in size: the reference is " + a.width() + "x" + a.height()
                    + ", the image " + b.width() + "x" + b.height() + "; expected equal sizes");
        }
    }

    private static void requireSsimSize(RgbImage a, RgbImage b) {
        requireSameSize(a, b);
        if (a.width() < Ssim.WINDOW || a.height() < Ssim.WINDOW) {
            throw new RetouchException("SSIM needs images of at least " + Ssim.WINDOW + "x" + Ssim.WINDOW
                    + " pixels (its Gaussian window), found " + a.width() + "x" + a.height());
        }
    }

    private static void requireSameLength(int a, int b) {
        if (a != b) {
            throw new RetouchException("inputs differ in length: " + a + " vs " + b + "; expected equal lengths");
        }
        if (a == 0) {
            throw new RetouchException("inputs are empty, expected at least one value");
        }
    }
}
