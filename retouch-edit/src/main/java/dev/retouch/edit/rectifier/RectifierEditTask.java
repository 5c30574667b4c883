package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

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
        GeneratorOptional g = new GeneratorOptional(gen);
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor idx = torch.randint(data.size(0), new long[]{batchSize}, g, longs);
        Tensor x0 = data.index_select(0, idx);
        NoiseSchedule schedule = model.base().schedule();
        Tensor tTensor = torch.randint(schedule.numTrainTimesteps(), new long[]{batchSize}, g, longs);
        long[] tv = new long[batchSize];
        new LongPointer(tTensor.contiguous().data_ptr()).get(tv);
        int[] t = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            t[i] = (int) tv[i];
        }
        Tensor noise = Tensors.randn(gen, Tensors.shape(x0));
        Tensor xt = schedule.addNoise(x0, noise, t);
        Tensor edited = schedule.predictX0(model.forward(xt, t, x0), xt, t);
        Tensor clip = direction.loss(edited, features.index_select(0, idx)).mean();
        Tensor l1 = edited.sub(x0).abs().mean();
        return clip.mul(Tensors.s(lambdaClip)).add(l1.mul(Tensors.s(lambdaL1)));
    }
}
