package dev.retouch.edit.baseline;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** img2img with a text-to-image latent model: {@link LatentPipelines#img2img} behind the editor contract. */
public final class Img2ImgEditor implements Editor<Img2ImgRequest, Img2ImgResult> {
    private final LatentDiffusion ld;

    public Img2ImgEditor(LatentDiffusion ld) {
        this.ld = ld;
    }

    @Override
    public String method() {
        return "img2img";
    }

    public LatentDiffusion model() {
        return ld;
    }

    /** The descending timesteps the request runs (the tail of its sampler's list). */
    public int[] timesteps(Img2ImgRequest r) {
        int T = ld.schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        return LatentPipelines.strengthTimesteps(r.sampler().create(ld.schedule(), r.steps(), 0.0).timesteps(),
                r.strength());
    }

    @Override
    public Img2ImgResult edit(Img2ImgRequest r, StepListener listener) {
        int k = ld.sizeMultiple();
        if (r.image().width() % k != 0 || r.image().height() % k != 0) {
            throw new RetouchException("the image is " + r.image().width() + "x" + r.image().height() + ": this model "
                    + "needs sides that are multiples of " + k + " (resize it, e.g. to " + ld.imageSize() + "x"
                    + ld.imageSize() + ")");
        }
        int[] ts = timesteps(r);
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope()) {
            Scheduler tail = r.sampler().over(ld.schedule(), ts);
            PromptStates states = PromptStates.encode(ld, List.of(r.prompt()), r.negative(), warnings::add);
            Tensor x = LatentPipelines.img2img(ld, ImageTensors.toTensor(r.image()), states, r.guidance(), tail,
                    gen, LoopHooks.progress(listener));
            return new Img2ImgResult(ImageTensors.fromTensor(x), ts.length, warnings,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }
}
