package dev.retouch.diffusion.train;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The simple DDPM objective (Ho et al. 2020, Eq. 14 / Algorithm 1): x₀ drawn uniformly from the data, t uniform in
 * [0, T), ε ~ N(0, I), loss = ‖target − model(√ᾱ_t·x₀ + √(1−ᾱ_t)·ε, t)‖² with the target of the schedule's
 * prediction type, optionally Min-SNR-γ weighted ({@link DiffusionLoss}). Optional random horizontal flips.
 */
public final class DdpmTask implements TrainingTask {
    private final UNet2DModel model;
    private final NoiseSchedule schedule;
    private final Tensor data; // (N, C, H, W) in [−1, 1]
    private final boolean flip;
    private final double minSnrGamma;

    /** The plain objective (unweighted MSE). */
    public DdpmTask(UNet2DModel model, NoiseSchedule schedule, Tensor data, boolean flip) {
        this(model, schedule, data, flip, 0);
    }

    /** @param minSnrGamma γ of Min-SNR weighting, 0 for the plain MSE */
    public DdpmTask(UNet2DModel model, NoiseSchedule schedule, Tensor data, boolean flip, double minSnrGamma) {
        if (!(minSnrGamma >= 0)) {
            throw new IllegalArgumentException("Min-SNR gamma must be >= 0 (0: off), got " + minSnrGamma);
        }
        this.minSnrGamma = minSnrGamma;
        this.model = model;
        this.schedule = schedule;
        this.data = Tensors.keep(data);
        this.flip = flip;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        GeneratorOptional g = new GeneratorOptional(gen);
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor idx = torch.randint(data.size(0), new long[]{batchSize}, g, longs);
        Tensor x0 = data.index_select(0, idx); // (B, C, H, W)
        if (flip) {
            Tensor coin = Tensors.rand(gen, batchSize, 1, 1, 1).lt(Tensors.s(0.5)).to(torch.ScalarType.Float);
            x0 = x0.mul(coin).add(x0.flip(3).mul(coin.neg().add(Tensors.s(1))));
        }
        Tensor tTensor = torch.randint(schedule.numTrainTimesteps(), new long[]{batchSize}, g, longs);
        int[] t = new int[batchSize];
        long[] tv = new long[batchSize];
        new org.bytedeco.javacpp.LongPointer(tTensor.contiguous().data_ptr()).get(tv);
        for (int i = 0; i < batchSize; i++) {
            t[i] = (int) tv[i];
        }
        Tensor noise = Tensors.randn(gen, Tensors.shape(x0));
        Tensor xt = schedule.addNoise(x0, noise, t);
        Tensor out = model.forward(xt, tTensor);
        return DiffusionLoss.of(out, schedule.target(x0, noise, t), t, schedule, minSnrGamma);
    }
}
