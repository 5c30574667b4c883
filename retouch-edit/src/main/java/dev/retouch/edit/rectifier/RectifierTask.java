package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Reconstruction training of a rectifier (paper 002 Eq. 3, the noise-fitting loss): x₀ from the data, t uniform,
 * ε ~ N(0, I), loss = ‖target − rectified model(x_t, t; x₀)‖² with the base model's own prediction target (ε for an
 * ε model, v for a v model). Only the rectifier learns: the task freezes the base UNet's parameters it is given
 * (give it a copy of the model you also use elsewhere).
 */
public final class RectifierTask implements TrainingTask {
    private final RectifiedModel model;
    private final Tensor data; // (N, 3, S, S) in [−1, 1]

    public RectifierTask(RectifiedModel model, Tensor data) {
        this.model = model;
        this.data = Tensors.keep(data);
        model.base().unet().parameters().forEach(p -> p.requires_grad_(false));
        model.base().unet().eval();
    }

    @Override
    public Module model() {
        return model.rectifier();
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        Draw d = Draw.of(data, model.base().schedule(), batchSize, gen);
        Tensor out = model.forward(d.xt(), d.t(), d.x0());
        return torch.mse_loss(out, model.base().schedule().target(d.x0(), d.noise(), d.t()));
    }

    /**
     * One batch of the training draws both rectifier tasks share, in this order from {@code gen}: image indices,
     * timesteps (uniform over the schedule), noise; x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε.
     */
    record Draw(Tensor index, Tensor x0, int[] t, Tensor noise, Tensor xt) {
        static Draw of(Tensor data, NoiseSchedule schedule, int batchSize, Generator gen) {
            GeneratorOptional g = new GeneratorOptional(gen);
            TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
            Tensor idx = torch.randint(data.size(0), new long[]{batchSize}, g, longs);
            Tensor x0 = data.index_select(0, idx);
            Tensor tTensor = torch.randint(schedule.numTrainTimesteps(), new long[]{batchSize}, g, longs);
            long[] tv = new long[batchSize];
            new LongPointer(tTensor.contiguous().data_ptr()).get(tv);
            int[] t = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                t[i] = (int) tv[i];
            }
            Tensor noise = Tensors.randn(gen, Tensors.shape(x0));
            return new Draw(idx, x0, t, noise, schedule.addNoise(x0, noise, t));
        }
    }
}
