package dev.retouch.edit.pixelguide;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.diffusion.model.PixelDiffusionModel;

/** The paper's Table 1 edit scores that need the classifiers: segmentation accuracy inside the ROI. */
public final class EditScores {
    private EditScores() {
    }

    /** Fraction of ROI pixels whose class in the segmentation of {@code edited} (t = 0) equals the target map's. */
    public static double accuracyInside(PixelClassifiers pc, PixelDiffusionModel model, RgbImage edited,
                                        LabelMap target, Mask roi, long seed) {
        LabelMap seg = pc.segment(model, ImageTensors.toTensor(edited), seed);
        return Metrics.pixelAccuracy(toInts(seg), toInts(target), roi);
    }

    static int[] toInts(LabelMap m) {
        int[] v = new int[m.classes().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = m.classes()[i];
        }
        return v;
    }
}
