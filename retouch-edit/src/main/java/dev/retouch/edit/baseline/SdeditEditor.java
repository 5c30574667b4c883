package dev.retouch.edit.baseline;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import dev.retouch.edit.rectifier.RectifiedModel;
import org.bytedeco.pytorch.Tensor;

/**
 * SDEdit (Meng et al. 2022) with a pixel-space model: {@link PixelPipelines#sdedit} behind the editor contract;
 * optionally denoising with the model's rectifier (paper 002 Fig. 7), which compensates towards the input.
 */
public final class SdeditEditor implements Editor<SdeditRequest, SdeditResult> {
    private final PixelDiffusionModel model;
    private final RectifiedModel rectified;

    public SdeditEditor(PixelDiffusionModel model) {
        this.model = model;
        this.rectified = null;
    }

    /** SDEdit denoising with {@code rectified} (whose base is the model). */
    public SdeditEditor(RectifiedModel rectified) {
        this.model = rectified.base();
        this.rectified = rectified;
    }

    @Override
    public String method() {
        return "sdedit";
    }

    public PixelDiffusionModel model() {
        return model;
    }

    @Override
    public SdeditResult edit(SdeditRequest r, StepListener listener) {
        int T = model.schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        long start = System.nanoTime();
        RgbImage input = Resize.square(r.image(), model.sampleSize());
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope()) {
            Tensor x0 = ImageTensors.toTensor(input);
            Tensor x = rectified == null
                    ? PixelPipelines.sdedit(model, x0, r.strength(), r.steps(), gen, LoopHooks.progress(listener))
                    : PixelPipelines.sdedit(model, rectified.denoiser(x0), x0, r.strength(), r.steps(), gen,
                    LoopHooks.progress(listener));
            return new SdeditResult(ImageTensors.fromTensor(x), input, (System.nanoTime() - start) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }
}
