package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;

/**
 * Pixelguide behind the editor contract: segment the input with the pixel classifiers, apply the request's map or
 * operations, resolve the defaults for the ROI, and run {@link PixelGuide#edit}.
 */
public final class PixelguideEditor implements Editor<PixelguideRequest, PixelguideResult> {
    private final PixelDiffusionModel model;
    private final PixelClassifiers classifiers;

    public PixelguideEditor(PixelDiffusionModel model, PixelClassifiers classifiers) {
        if (classifiers.config().imageSize() != model.sampleSize()) {
            throw new RetouchException("the pixel classifiers are for " + classifiers.config().imageSize() + "×"
                    + classifiers.config().imageSize() + " images but the model makes " + model.sampleSize() + "×"
                    + model.sampleSize());
        }
        this.model = model;
        this.classifiers = classifiers;
    }

    @Override
    public String method() {
        return "pixelguide";
    }

    public PixelDiffusionModel model() {
        return model;
    }

    public PixelClassifiers classifiers() {
        return classifiers;
    }

    /** The segmentation of an image (resized to the model's size), as the editor computes it. */
    public LabelMap segment(RgbImage image, long seed) {
        try (PointerScope ignored = new PointerScope()) {
            return classifiers.segment(model, ImageTensors.toTensor(Resize.square(image, model.sampleSize())), seed);
        }
    }

    @Override
    public PixelguideResult edit(PixelguideRequest r, StepListener listener) {
        int size = model.sampleSize();
        RgbImage input = Resize.square(r.image(), size);
        LabelMap original = segment(input, r.seed());
        LabelMap target = r.map() != null ? r.map() : MapEdit.apply(original, r.ops());
        if (target.width() != size || target.height() != size) {
            throw new RetouchException("the edited map is " + target.width() + "x" + target.height() + ", expected "
                    + size + "x" + size + " (the model's size)");
        }
        Mask roi = Roi.of(original, target); // fails when nothing changed
        PixelGuide.Options o = PixelGuide.defaults(roi, r.t0(), r.scale(), r.respaced(), r.sampler(), r.seed());
        int steps = PixelGuide.runTimesteps(model.schedule(), o).length;
        long start = System.nanoTime();
        try (PointerScope ignored = new PointerScope()) {
            PixelGuide.Result res = PixelGuide.edit(model, classifiers, ImageTensors.toTensor(input), original, target,
                    o, listener);
            return new PixelguideResult(ImageTensors.fromTensor(res.image()), input, original, target, res.roi(), o,
                    steps, (System.nanoTime() - start) / 1e9);
        }
    }
}
