package dev.retouch.core.metrics;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;

import java.util.List;

/**
 * Where an edit changed an image, and DIoU (paper 000, "Customize Your Own Paired Data via Few-shot Way", §4.2):
 * the edit region of a pair is obtained "by subtracting the source image from its paired target image directly in
 * the pixel space"; the expected region of a task is the union of the regions of its true pairs, the actual region
 * the union of the regions the model produced from the same sources, and DIoU is the IoU of the two unions.
 *
 * <p>Our reading: a pixel is changed when its largest channel difference exceeds {@code threshold} (on [0, 1]
 * images; {@link #DEFAULT_THRESHOLD} ignores quantisation and small reconstruction noise), and the unions are taken
 * pixel by pixel over images of one size. The paper's faces are aligned, so its union is meaningful; for unaligned
 * images (emojis) the union saturates, so {@link #meanIou} also gives the per-image IoU averaged over pairs.
 * Higher is better in both. An empty union on both sides (nothing to change, nothing changed) counts as 1.
 */
public final class EditRegions {
    /** Default change threshold on [0, 1] images: 0.1 ≈ 26 grey levels of 255. */
    public static final double DEFAULT_THRESHOLD = 0.1;

    private EditRegions() {
    }

    /** Pixels (row-major) where max over channels |after − before| &gt; threshold. */
    public static boolean[] changed(RgbImage before, RgbImage after, double threshold) {
        if (before.width() != after.width() || before.height() != after.height()) {
            throw new RetouchException("edit region: images differ in size, " + before.width() + "x" + before.height()
                    + " vs " + after.width() + "x" + after.height());
        }
        int n = before.pixels();
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3 && !out[i]; c++) {
                out[i] = Math.abs(after.chw()[c * n + i] - before.chw()[c * n + i]) > threshold;
            }
        }
        return out;
    }

    /** |a ∩ b| / |a ∪ b|; 1 when both are empty. */
    public static double iou(boolean[] a, boolean[] b) {
        if (a.length != b.length) {
            throw new RetouchException("IoU of regions of different sizes: " + a.length + " vs " + b.length + " pixels");
        }
        long inter = 0;
        long union = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) inter++;
            if (a[i] || b[i]) union++;
        }
        return union == 0 ? 1.0 : (double) inter / union;
    }

    /**
     * DIoU as the paper defines it: IoU(∪ changed(source, target), ∪ changed(source, edited)) over all pairs.
     *
     * @param sources the images before the edit
     * @param targets the true results
     * @param edited  the model's results for the same sources
     */
    public static double diou(List<RgbImage> sources, List<RgbImage> targets, List<RgbImage> edited, double threshold) {
        check(sources, targets, edited);
        boolean[] expected = new boolean[sources.get(0).pixels()];
        boolean[] actual = new boolean[expected.length];
        for (int k = 0; k < sources.size(); k++) {
            if (sources.get(k).pixels() != expected.length) {
                throw new RetouchException("DIoU unions need images of one size; image " + k + " is "
                        + sources.get(k).width() + "x" + sources.get(k).height());
            }
            or(expected, changed(sources.get(k), targets.get(k), threshold));
            or(actual, changed(sources.get(k), edited.get(k), threshold));
        }
        return iou(expected, actual);
    }

    /** The per-image reading: the mean over pairs of IoU(changed(source, target), changed(source, edited)). */
    public static double meanIou(List<RgbImage> sources, List<RgbImage> targets, List<RgbImage> edited,
                                 double threshold) {
        check(sources, targets, edited);
        double sum = 0;
        for (int k = 0; k < sources.size(); k++) {
            sum += iou(changed(sources.get(k), targets.get(k), threshold),
                    changed(sources.get(k), edited.get(k), threshold));
        }
        return sum / sources.size();
    }

    private static void or(boolean[] into, boolean[] mask) {
        for (int i = 0; i < into.length; i++) into[i] |= mask[i];
    }

    private static void check(List<RgbImage> sources, List<RgbImage> targets, List<RgbImage> edited) {
        if (sources.isEmpty() || sources.size() != targets.size() || sources.size() != edited.size()) {
            throw new RetouchException("DIoU needs as many targets and edited images as sources, at least one; found "
                    + sources.size() + ", " + targets.size() + ", " + edited.size());
        }
    }
}
