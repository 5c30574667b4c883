package dev.retouch.diffusion.train;

import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * What a training run optimises: the model and the loss of one batch. Every random draw (batch indices, noise,
 * timesteps, augmentation) must come from {@code gen} so that a resumed run continues exactly.
 */
public interface TrainingTask {
    Module model();

    /** The scalar loss of one batch of {@code batchSize}; called with gradients enabled. */
    Tensor loss(int batchSize, Generator gen);
}
