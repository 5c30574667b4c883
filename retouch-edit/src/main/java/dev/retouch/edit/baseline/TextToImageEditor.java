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

/** Text-to-image with a latent model: {@link LatentPipelines#generate} behind the editor contract. */
public final class TextToImageEditor implements Editor<TextToImageRequest, TextToImageResult> {
    private final LatentDiffusion ld;

    public TextToImageEditor(LatentDiffusion ld) {
        this.ld = ld;
    }

    @Override
    public String method() {
        return "generate";
    }

    public LatentDiffusion model() {
        return ld;
    }

    /** The sampler of the request over this model's schedule. */
    public Scheduler scheduler(TextToImageRequest r) {
        int T = ld.schedule().numTrainTimesteps();
        if (r.steps() > T) {
            throw new RetouchException("steps must be in [1, " + T + "] for this model, got " + r.steps());
        }
        return r.sampler().create(ld.schedule(), r.steps(), 0.0);
    }

    @Override
    public TextToImageResult edit(TextToImageRequest r, StepListener listener) {
        Scheduler s = scheduler(r);
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope()) {
            PromptStates states = PromptStates.encode(ld, List.of(r.prompt()), r.negative(), warnings::add);
            Tensor images = LatentPipelines.generate(ld, states, r.guidance(), r.count(), s,
                    gen, LoopHooks.progress(listener));
            return new TextToImageResult(ImageTensors.fromBatch(images), warnings, (System.nanoTime() - start) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }
}
