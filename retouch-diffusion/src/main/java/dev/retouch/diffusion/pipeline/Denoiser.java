package dev.retouch.diffusion.pipeline;

import org.bytedeco.pytorch.Tensor;

/** A network seen by the sampling loop: the model output at (x_t, t), of the schedule's prediction type. */
@FunctionalInterface
public interface Denoiser {
    /** x (B, C, H, W) at timestep t → model output (B, C, H, W). */
    Tensor predict(Tensor x, int t);
}
