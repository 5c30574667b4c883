package dev.retouch.edit.rectifier;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.edit.Editor;
import dev.retouch.core.progress.StepListener;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** A trained rectifier edit (paper 002) behind the editor contract: invert, regenerate with the edit. */
public final class RectifierEditor implements Editor<RectifierEditRequest, RectifierEditResult> {
    private final RectifierEdit edit;

    public RectifierEditor(RectifierEdit edit) {
        this.edit = edit;
    }

    @Override
    public String method() {
        return "rectifier";
    }

    public RectifierEdit rectifierEdit() {
        return edit;
    }

    @Override
    public RectifierEditResult edit(RectifierEditRequest r, StepListener listener) {
        int T = edit.editing().base().schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        long start = System.nanoTime();
        RgbImage input = Resize.square(r.image(), edit.editing().base().sampleSize());
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = edit.apply(ImageTensors.toTensor(input), r.steps(), LoopHooks.progress(listener));
            return new RectifierEditResult(ImageTensors.fromTensor(x), input, (System.nanoTime() - start) / 1e9);
        }
    }
}
