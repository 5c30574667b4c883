package dev.retouch.edit.pixelguide;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.diffusion.model.PixelDiffusionModel;

/**
 * The paper's Table 1 edit score, segmentation accuracy inside the ROI, judged two ways: by the pixel classifiers
 * (as the paper does; the same family of classifiers that guides the edit) and by the colour rules of
 * {@link FaceLabeler} (an independent judge: nothing learnt, and never seen by the guidance).
 */
public final class EditScores {
    private EditScores() {
    }

    /** Fraction of ROI pixels whose class in the segmentation of {@code edited} (t = 0) equals the target map's. */
    public static double accuracyInside(PixelClassifiers pc, PixelDiffusionModel model, RgbImage edited,
                                        LabelMap target, Mask roi, long seed) {
        LabelMap seg = pc.segment(model, ImageTensors.toTensor(edited), seed);
        return Metrics.pixelAccuracy(toInts(seg), toInts(target), roi);
    }

    /**
     * Fraction of ROI pixels whose class by the colour rules ({@link FaceLabeler} on the image upsampled to 64×64,
     * voted back to the map size) equals the target map's.
     */
    public static double accuracyInsideByRules(RgbImage edited, LabelMap target, Mask roi) {
        return Metrics.pixelAccuracy(toInts(byRules(edited, target.width())), toInts(target), roi);
    }

    /** The colour rules' map of an image of any size, at {@code size}×{@code size}. */
    public static LabelMap byRules(RgbImage image, int size) {
        RgbImage big = image.width() == FaceLabeler.SIZE && image.height() == FaceLabeler.SIZE ? image
                : dev.retouch.core.image.Resize.nearest(image, FaceLabeler.SIZE, FaceLabeler.SIZE);
        return FaceLabeler.label(big, size);
    }

    static int[] toInts(LabelMap m) {
        int[] v = new int[m.classes().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.classes()[i];
        }
        return v;
    }
}
