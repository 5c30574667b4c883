package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Editing training of a rectifier (paper 002 Algorithm 1, "like score matching"): x₀ from the images, t uniform over
 * the whole interval, x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε on the ORIGINAL trajectory (never from a previous edited result);
 * the rectifier modulates the frozen model at x_t, and its one-step estimate x̃₀ = P_t(ε_θ̃(x_t)) is pulled along
 * the text direction by the directional CLIP loss (Eq. 4) and held to x₀ by L1 (Eq. 5):
 * L = λ_CLIP·L_direction + λ_recon·L1 (Eq. 6). Only the rectifier learns (start it from a reconstruction-trained
 * rectifier of the same model).
 */
public final class RectifierEditTask implements TrainingTask {
    private final RectifiedModel model;
    private final DirectionalClipLoss direction;
    private final Tensor data;      // (N, 3, S, S) in [−1, 1]
    private final Tensor features;  // (N, P): CLIP features of the originals
    private final double lambdaClip;
    private final double lambdaL1;

    public RectifierEditTask(RectifiedModel model, DirectionalClipLoss direction, Tensor data, double lambdaClip,
                             double lambdaL1) {
        if (!(lambdaClip >= 0 && lambdaL1 >= 0 && lambdaClip + lambdaL1 > 0)) {
            throw new IllegalArgumentException("need λ_CLIP, λ_L1 >= 0, not both 0; got " + lambdaClip + ", " + lambdaL1);
        }
        this.model = model;
        this.direction = direction;
        this.data = Tensors.keep(data);
        this.lambdaClip = lambdaClip;
        this.lambdaL1 = lambdaL1;
        model.base().unet().parameters().forEach(p -> p.requires_grad_(false));
        model.base().unet().eval();
        try (NoGradGuard ignored = new NoGradGuard()) {
            this.features = Tensors.keep(direction.imageFeatures(data));
        }
    }

    @Override
    public Module model() {
        return model.rectifier();
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        NoiseSchedule schedule = model.base().schedule();
        RectifierTask.Draw d = RectifierTask.Draw.of(data, schedule, batchSize, gen);
        Tensor edited = schedule.predictX0(model.forward(d.xt(), d.t(), d.x0()), d.xt(), d.t());
        Tensor clip = direction.loss(edited, features.index_select(0, d.index())).mean();
        Tensor l1 = edited.sub(d.x0()).abs().mean();
        return clip.mul(Tensors.s(lambdaClip)).add(l1.mul(Tensors.s(lambdaL1)));
    }
}
