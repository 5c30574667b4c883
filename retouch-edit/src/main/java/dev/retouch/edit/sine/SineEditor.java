package dev.retouch.edit.sine;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** SINE (paper 001) behind the editor contract: a fine-tuned model and its pretrained base, sampled with Eq. 3. */
public final class SineEditor implements Editor<SineEditRequest, SineEditResult> {
    private final LatentDiffusion base;
    private final SineModel tuned;

    /** @throws RetouchException when the fine-tuned UNet does not have the base's structure */
    public SineEditor(LatentDiffusion base, SineModel tuned) {
        tuned.checkBase(base, "sine model");
        this.base = base;
        this.tuned = tuned;
    }

    @Override
    public String method() {
        return "sine";
    }

    public LatentDiffusion base() {
        return base;
    }

    public SineModel tuned() {
        return tuned;
    }

    /** The defaults for {@code prompt}: v = 0.7, K = 400, w = 5, the model's image size, 25 DDIM steps, seed 0. */
    public SineEditRequest request(String prompt) {
        int s = base.imageSize();
        return new SineEditRequest(new SineRequest(prompt, SineRequest.DEFAULT_V, SineRequest.DEFAULT_K,
                SineRequest.DEFAULT_GUIDANCE, s, s, true), SineEditRequest.DEFAULT_STEPS, SamplerKind.DDIM, 0, false,
                false);
    }

    /** The sampler of the request over the base's schedule. */
    public Scheduler scheduler(SineEditRequest r) {
        int T = base.schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        return r.sampler().create(base.schedule(), r.steps(), 0.0);
    }

    @Override
    public SineEditResult edit(SineEditRequest r, StepListener listener) {
        SineSampling.check(base, r.sine());
        Scheduler scheduler = scheduler(r);
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope()) {
            LoopHooks hooks = LoopHooks.progress(listener);
            if (r.autoV()) {
                SineAutoV.Result a = SineAutoV.edit(base, tuned, r.sine(), () -> scheduler(r), r.seed(), hooks,
                        w -> { // every sample encodes the same prompts: each warning once
                            if (!warnings.contains(w)) {
                                warnings.add(w);
                            }
                        });
                return new SineEditResult(ImageTensors.fromTensor(a.image()), warnings,
                        (System.nanoTime() - start) / 1e9, a.v());
            }
            Tensor x = r.fineTunedOnly()
                    ? SineSampling.fineTunedOnly(base, tuned, r.sine(), scheduler, gen, hooks,
                    warnings::add)
                    : SineSampling.edit(base, tuned, r.sine(), scheduler, gen, hooks,
                    warnings::add);
            return new SineEditResult(ImageTensors.fromTensor(x), warnings, (System.nanoTime() - start) / 1e9,
                    r.sine().v());
        } finally {
            Tensors.release(gen);
        }
    }
}
