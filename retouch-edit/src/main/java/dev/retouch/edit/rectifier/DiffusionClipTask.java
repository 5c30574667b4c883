package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The DiffusionCLIP-style baseline of paper 002 (Kim, Kwon & Ye 2022): the whole UNet is fine-tuned, Markovian —
 * each image is inverted by the frozen model with deterministic DDIM to t₀ once, then the model being tuned
 * regenerates it in {@code genSteps} η = 0 DDIM steps, each step starting from the previous EDITED step, with the
 * gradient through the whole chain; the loss is the same as the rectifier's edit (λ_CLIP·L_direction + λ_L1·L1, on
 * the regenerated image).
 */
public final class DiffusionClipTask implements TrainingTask {
    private final PixelDiffusionModel tuned;
    private final DirectionalClipLoss direction;
    private final Tensor data;      // (N, 3, S, S)
    private final Tensor latents;   // (N, 3, S, S): x_{t0} by DDIM inversion with the frozen model
    private final Tensor features;  // (N, P)
    private final int[] genTimesteps;
    private final double lambdaClip;
    private final double lambdaL1;

    /**
     * @param frozen   the original model (inverts the images)
     * @param tuned    a separate copy of it, the one that learns
     * @param t0       the last timestep of the edit interval (DiffusionCLIP: about T/2; T − 1 = the full interval)
     * @param invSteps DDIM steps of the inversion to t₀
     * @param genSteps DDIM steps of the regeneration during training
     */
    public DiffusionClipTask(PixelDiffusionModel frozen, PixelDiffusionModel tuned, DirectionalClipLoss direction,
                             Tensor data, int t0, int invSteps, int genSteps, double lambdaClip, double lambdaL1) {
        if (tuned.unet() == frozen.unet()) {
            throw new IllegalArgumentException("the tuned model must be a copy of the frozen one");
        }
        this.tuned = tuned;
        this.direction = direction;
        this.data = Tensors.keep(data);
        this.lambdaClip = lambdaClip;
        this.lambdaL1 = lambdaL1;
        this.genTimesteps = timesteps(t0, genSteps);
        frozen.unet().eval();
        try (NoGradGuard ignored = new NoGradGuard()) {
            this.latents = Tensors.keep(PixelPipelines.invert(frozen, data, timesteps(t0, invSteps), LoopHooks.NONE));
            this.features = Tensors.keep(direction.imageFeatures(data));
        }
    }

    /** {@code steps} descending timesteps from t₀ evenly down towards 0. */
    public static int[] timesteps(int t0, int steps) {
        if (steps < 1 || t0 < 0) {
            throw new IllegalArgumentException("need steps >= 1 and t0 >= 0, got " + steps + ", " + t0);
        }
        int[] ts = new int[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (int) Math.round(t0 * (double) (steps - i) / steps);
        }
        return ts;
    }

    @Override
    public Module model() {
        return tuned.unet();
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        Tensor idx = torch.randint(data.size(0), new long[]{batchSize}, new GeneratorOptional(gen),
                new TensorOptions(torch.ScalarType.Long));
        Tensor x = latents.index_select(0, idx);
        Tensor edited = regenerate(tuned, x, genTimesteps);
        Tensor clip = direction.loss(edited, features.index_select(0, idx)).mean();
        Tensor l1 = edited.sub(data.index_select(0, idx)).abs().mean();
        return clip.mul(Tensors.s(lambdaClip)).add(l1.mul(Tensors.s(lambdaL1)));
    }

    /**
     * η = 0 DDIM from x at {@code descending[0]} down to x₀ with {@code model} (x̂₀ unclipped), each step from the
     * previous one; differentiable when gradients are on.
     */
    public static Tensor regenerate(PixelDiffusionModel model, Tensor x, int[] descending) {
        NoiseSchedule s = model.schedule();
        for (int i = 0; i < descending.length; i++) {
            int t = descending[i];
            int prev = i + 1 < descending.length ? descending[i + 1] : -1;
            Tensor out = model.unet().forward(x, PixelPipelines.timestepTensor(t, x.size(0)));
            Tensor x0 = s.predictX0(out, x, t);
            Tensor eps = s.predictEps(out, x, t);
            double a = s.alphaBar(prev);
            x = prev < 0 ? x0 : x0.mul(Tensors.s(Math.sqrt(a))).add(eps.mul(Tensors.s(Math.sqrt(1 - a))));
        }
        return x;
    }

    /**
     * DiffusionCLIP-style editing of images x₀: DDIM inversion with the frozen model to t₀ in {@code steps} steps,
     * regeneration with the tuned model over the same timesteps; clamped to [−1, 1].
     */
    public static Tensor edit(PixelDiffusionModel frozen, PixelDiffusionModel tuned, Tensor x0, int t0, int steps) {
        int[] ts = timesteps(t0, steps);
        Tensor latent = PixelPipelines.invert(frozen, x0, ts, LoopHooks.NONE);
        return regenerate(tuned, latent, ts).clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
    }
}
