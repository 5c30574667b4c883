package dev.retouch.diffusion.pipeline;

import dev.retouch.core.progress.StepListener;
import org.bytedeco.pytorch.Tensor;

/**
 * The extension points of {@link DenoiseLoop}: a guidance function that adjusts the model output before the
 * scheduler step (classifier guidance, CFG mixing), a post-step transform of the new sample (e.g. background
 * blending), and a progress/cancellation listener. Any of them may be null.
 *
 * @param guidance  (modelOutput, x_t, t) → adjusted model output
 * @param afterStep (x_next, t_next) → x_next; t_next is −1 after the last step
 * @param listener  called after every step; returning false cancels the run
 */
public record LoopHooks(Guidance guidance, AfterStep afterStep, StepListener listener) {
    public static final LoopHooks NONE = new LoopHooks(null, null, null);

    public static LoopHooks progress(StepListener listener) {
        return new LoopHooks(null, null, listener);
    }

    @FunctionalInterface
    public interface Guidance {
        Tensor adjust(Tensor modelOutput, Tensor x, int t);
    }

    @FunctionalInterface
    public interface AfterStep {
        Tensor apply(Tensor xNext, int tNext);
    }
}
