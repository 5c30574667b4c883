package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.Denoiser;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Consumer;

/**
 * Sampling with a fine-tuned SINE model: random latent noise of the requested size (editing starts from noise, not
 * from an inversion, as the official code does), the {@link ModelGuidedDenoiser} loop, decode. Also the paper's
 * "w/o guidance" baseline: the fine-tuned model alone with ordinary classifier-free guidance.
 */
public final class SineSampling {
    private SineSampling() {
    }

    /** Fails when {@code r} does not fit {@code base}: K above T, or sides not multiples of its size multiple. */
    public static void check(LatentDiffusion base, SineRequest r) {
        int t = base.schedule().numTrainTimesteps();
        if (r.k() > t) {
            throw new IllegalArgumentException("K must be in [0, " + t + "] (T = " + t + "), got " + r.k());
        }
        int m = base.sizeMultiple();
        if (r.width() % m != 0 || r.height() % m != 0) {
            throw new IllegalArgumentException("output size " + r.width() + "x" + r.height() + " must have sides that "
                    + "are multiples of " + m + " pixels for this model");
        }
    }

    /** The edited image (1, 3, height, width) in [−1, 1]. */
    public static Tensor edit(LatentDiffusion base, SineModel tuned, SineRequest r, Scheduler scheduler,
                              Generator gen, LoopHooks hooks, Consumer<String> warnings) {
        check(base, r);
        tuned.checkBase(base, "sine model");
        Tensor states = base.textStates(List.of("", r.prompt(), tuned.config().prompt()), warnings); // (3, M, D)
        int f = base.vaeFactor();
        int h = r.height() / f;
        int w = r.width() / f;
        ModelGuidedDenoiser d = new ModelGuidedDenoiser(base.unet(), tuned.unet(), states.narrow(0, 0, 1),
                states.narrow(0, 1, 1), states.narrow(0, 2, 1), tuned.positional(h, w, r.positional()), r.guidance(),
                r.v(), r.k());
        return run(base, d, h, w, scheduler, gen, hooks);
    }

    /**
     * The fine-tuned model alone (no model guidance): ε̂(∅) + w·(ε̂(c) − ε̂(∅)) with the edit prompt c, both branches
     * from the fine-tuned model (with its positional embedding when asked).
     */
    public static Tensor fineTunedOnly(LatentDiffusion base, SineModel tuned, SineRequest r, Scheduler scheduler,
                                       Generator gen, LoopHooks hooks, Consumer<String> warnings) {
        check(base, r);
        Tensor states = base.textStates(List.of("", r.prompt()), warnings); // (2, M, D) ∅, c
        int f = base.vaeFactor();
        int h = r.height() / f;
        int w = r.width() / f;
        Tensor pos = tuned.positional(h, w, r.positional());
        double g = r.guidance();
        Denoiser d = (x, t) -> {
            Tensor out = tuned.unet().forward(x.repeat(2, 1, 1, 1), PixelPipelines.timestepTensor(t, 2),
                    states, pos);
            Tensor u = out.narrow(0, 0, 1);
            return u.add(out.narrow(0, 1, 1).sub(u).mul(Tensors.s(g)));
        };
        return run(base, d, h, w, scheduler, gen, hooks);
    }

    private static Tensor run(LatentDiffusion base, Denoiser d, int h, int w, Scheduler scheduler, Generator gen,
                              LoopHooks hooks) {
        Tensor zT = base.toDevice(Tensors.randn(gen, 1, base.model().latentChannels(), h, w)); // (1, C, h, w)
        return base.decode(DenoiseLoop.run(d, scheduler, zT, gen, hooks));
    }
}
