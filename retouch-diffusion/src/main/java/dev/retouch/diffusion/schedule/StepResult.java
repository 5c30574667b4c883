package dev.retouch.diffusion.schedule;

import org.bytedeco.pytorch.Tensor;

/**
 * The outcome of one scheduler step.
 *
 * @param prev   the sample at the next level of the run (x_{t−1} when sampling, x_{t+1} when inverting)
 * @param predX0 the model's estimate of the clean sample at this step
 */
public record StepResult(Tensor prev, Tensor predX0) {
}
