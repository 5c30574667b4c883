package dev.retouch.diffusion.pipeline;

import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.DDIMInverseScheduler;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.Timesteps;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * The shared pixel-space pipelines: unconditional sampling, deterministic DDIM inversion and reconstruction, and
 * SDEdit (Meng et al. 2022). Images are (B, 3, H, W) tensors in [−1, 1] at the model's size.
 */
public final class PixelPipelines {
    private PixelPipelines() {
    }

    /** Largest batch one UNet pass runs at; larger batches are run in chunks of this many images. */
    public static final int CHUNK = 32;

    /** The model as a {@link Denoiser}: one timestep for the whole batch (run in chunks of {@link #CHUNK}). */
    public static Denoiser denoiser(UNet2DModel unet) {
        return (x, t) -> chunked(x, CHUNK, (part, n) -> unet.forward(part, timestepTensor(t, n)));
    }

    /** One pass of a network over the first dimension of a chunk of its input. */
    public interface Pass {
        Tensor apply(Tensor part, long n);
    }

    /**
     * {@code pass} over x (B, …) in chunks of at most {@code chunk} along the batch, outputs concatenated. Each
     * chunk's intermediates are released as soon as its output exists, so the next chunk reuses that memory:
     * at batch 256 on 32×32 the activations of one pass exceed glibc's largest mmap threshold (32 MiB), and a
     * single pass page-faulted its memory in anew at every step (most of the system time of a 256-sample run).
     * The network must treat samples independently (true of the UNets: GroupNorm is per sample).
     */
    public static Tensor chunked(Tensor x, int chunk, Pass pass) {
        long b = x.size(0);
        if (b <= chunk) {
            return pass.apply(x, b);
        }
        org.bytedeco.javacpp.PointerScope outer = org.bytedeco.javacpp.PointerScope.getInnerScope();
        Tensor[] parts = new Tensor[(int) ((b + chunk - 1) / chunk)];
        for (int i = 0; i < parts.length; i++) {
            long start = (long) i * chunk;
            long n = Math.min(chunk, b - start);
            try (org.bytedeco.javacpp.PointerScope inner = new org.bytedeco.javacpp.PointerScope()) {
                Tensor y = pass.apply(x.narrow(0, start, n), n);
                if (outer != null) {
                    outer.attach(y); // one more reference, dropped with the caller's scope
                } else {
                    Tensors.keep(y);
                }
                parts[i] = y;
            }
        }
        return Tensors.cat(0, parts);
    }

    /** A (B) int64 tensor filled with t. */
    public static Tensor timestepTensor(int t, long batch) {
        long[] v = new long[(int) batch];
        Arrays.fill(v, t);
        return Tensor.create(v, batch);
    }

    /** {@code count} samples from pure noise with {@code scheduler}, noise drawn from {@code gen}. */
    public static Tensor sample(PixelDiffusionModel model, Scheduler scheduler, int count, Generator gen,
                                LoopHooks hooks) {
        int s = model.sampleSize();
        Tensor xT = Tensors.randn(gen, count, model.config().unet().inChannels(), s, s);
        Tensor x = DenoiseLoop.run(denoiser(model.unet()), scheduler, xT, gen, hooks);
        return x.clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
    }

    /** The descending DDIM list of {@code steps} leading-spaced timesteps. */
    public static int[] ddimTimesteps(NoiseSchedule schedule, int steps) {
        return Timesteps.leading(schedule, steps);
    }

    /** Deterministic DDIM inversion of x₀ up to the first (largest) timestep of {@code descending}. */
    public static Tensor invert(PixelDiffusionModel model, Tensor x0, int[] descending, LoopHooks hooks) {
        Scheduler inverse = new DDIMInverseScheduler(model.schedule(), descending);
        return DenoiseLoop.run(denoiser(model.unet()), inverse, x0, null, hooks);
    }

    /** The result of inverting then regenerating an image. */
    public record Reconstruction(Tensor latent, Tensor image) {
    }

    /**
     * DDIM inversion with {@code steps} steps followed by η = 0 DDIM sampling over the same timesteps. The sampling
     * side does not clip x̂₀ (even if the model's schedule does), so that it is the exact inverse of the inversion
     * update up to the ε(x_r, t) ≈ ε(x_t, t) approximation.
     */
    public static Reconstruction reconstruct(PixelDiffusionModel model, Tensor x0, int steps, LoopHooks hooks) {
        return reconstruct(model, denoiser(model.unet()), x0, steps, hooks);
    }

    /**
     * {@link #reconstruct(PixelDiffusionModel, Tensor, int, LoopHooks)} with another network of the model's schedule
     * (e.g. the model with a rectifier) on both sides: DDIM inversion and regeneration are each other's inverse only
     * when one network runs both.
     */
    public static Reconstruction reconstruct(PixelDiffusionModel model, Denoiser network, Tensor x0, int steps,
                                             LoopHooks hooks) {
        return invertThenSample(model, network, network, x0, steps, hooks);
    }

    /**
     * DDIM inversion of x₀ with {@code inverter}, then η = 0 DDIM sampling over the same {@code steps} timesteps
     * with {@code sampler} (x̂₀ unclipped, as {@link #reconstruct}): an edit when the sampler differs from the
     * inverter (paper 002's editing rectifier), a reconstruction when they are the same network. The listener sees
     * one run of 2·steps steps.
     */
    public static Reconstruction invertThenSample(PixelDiffusionModel model, Denoiser inverter, Denoiser sampler,
                                                  Tensor x0, int steps, LoopHooks hooks) {
        int[] ts = ddimTimesteps(model.schedule(), steps);
        Tensor latent = DenoiseLoop.run(inverter, new DDIMInverseScheduler(model.schedule(), ts), x0, null,
                phase(hooks, 0, 2 * steps));
        NoiseSchedule unclipped = new NoiseSchedule(model.schedule().config().withoutClipping());
        DDIMScheduler ddim = new DDIMScheduler(unclipped, ts, 0.0);
        Tensor image = DenoiseLoop.run(sampler, ddim, latent, null, phase(hooks, steps, 2 * steps));
        return new Reconstruction(latent, image);
    }

    /** {@code hooks} with its listener told steps {@code offset + k} of {@code total} (one phase of a longer run). */
    static LoopHooks phase(LoopHooks hooks, long offset, long total) {
        StepListener l = hooks.listener();
        return l == null ? hooks : new LoopHooks(hooks.guidance(), hooks.afterStep(),
                (step, ignored, metric) -> l.onStep(offset + step, total, metric));
    }

    /**
     * SDEdit: noise x₀ to the level {@code strength} of the way through a {@code steps}-step DDIM run (as diffusers'
     * img2img: the last ⌊steps·strength⌋ timesteps), then denoise with η = 0. Strength 0 returns x₀ unchanged.
     */
    public static Tensor sdedit(PixelDiffusionModel model, Tensor x0, double strength, int steps, Generator gen,
                                LoopHooks hooks) {
        return sdedit(model, denoiser(model.unet()), x0, strength, steps, gen, hooks);
    }

    /** {@link #sdedit(PixelDiffusionModel, Tensor, double, int, Generator, LoopHooks)} denoising with another network. */
    public static Tensor sdedit(PixelDiffusionModel model, Denoiser denoise, Tensor x0, double strength, int steps,
                                Generator gen, LoopHooks hooks) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in [0, 1], got " + strength);
        }
        int[] all = ddimTimesteps(model.schedule(), steps);
        int keep = (int) Math.floor(steps * strength);
        if (keep == 0) {
            return x0.clone();
        }
        int[] ts = Arrays.copyOfRange(all, steps - keep, steps);
        Tensor noise = Tensors.randnLike(gen, x0);
        Tensor xt = model.schedule().addNoise(x0, noise, ts[0]);
        Tensor x = DenoiseLoop.run(denoise, new DDIMScheduler(model.schedule(), ts, 0.0), xt, gen, hooks);
        return x.clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
    }

    /** Converts to float32 if needed (models may be loaded in other dtypes later). */
    static Tensor f32(Tensor t) {
        return t.to(torch.ScalarType.Float);
    }
}
