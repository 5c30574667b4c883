package dev.retouch.edit.baseline;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.DiffEdit;
import dev.retouch.diffusion.pipeline.DiffEditMask;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** DiffEdit (Couairon et al. 2022) with a text-to-image latent model: {@link DiffEdit} behind the editor contract. */
public final class DiffEditEditor implements Editor<DiffEditRequest, DiffEditResult> {
    private final LatentDiffusion ld;

    public DiffEditEditor(LatentDiffusion ld) {
        this.ld = ld;
    }

    @Override
    public String method() {
        return "diffedit";
    }

    public LatentDiffusion model() {
        return ld;
    }

    @Override
    public DiffEditResult edit(DiffEditRequest r, StepListener listener) {
        int k = ld.sizeMultiple();
        if (r.image().width() % k != 0 || r.image().height() % k != 0) {
            throw new RetouchException("the image is " + r.image().width() + "x" + r.image().height() + ": this model "
                    + "needs sides that are multiples of " + k + " (resize it, e.g. to " + ld.imageSize() + "x"
                    + ld.imageSize() + ")");
        }
        int T = ld.schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope()) {
            Tensor states = ld.textStates(List.of(r.query(), r.reference(), ""), warnings::add); // (3, M, D)
            var options = new DiffEdit.Options(r.ratio(), r.steps(), r.guidance(), new DiffEditMask.Options(10,
                    r.ratio(), 3.0, 1.0, 0.5));
            DiffEdit.Result res = DiffEdit.edit(ld, ImageTensors.toTensor(r.image()), states.narrow(0, 0, 1),
                    states.narrow(0, 1, 1), states.narrow(0, 2, 1), options, gen, LoopHooks.progress(listener));
            return new DiffEditResult(ImageTensors.fromTensor(res.image()), res.mask(), res.steps(), warnings,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }
}
