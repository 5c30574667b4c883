package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * A run's state for a multistep solver: besides the position, the previous step's x̂₀ and its timestep. The kept
 * x̂₀ is a separate handle that outlives the loop's per-step pointer scope and is freed when it is replaced and
 * after the run's last step.
 */
final class MultistepState extends SchedulerState {
    private Tensor prevX0;
    private int prevT = -1;

    MultistepState(int[] timesteps, Generator generator) {
        super(timesteps, generator);
    }

    /** The x̂₀ of the previous step, or null at the first step. */
    Tensor prevX0() {
        return prevX0;
    }

    /** The timestep of {@link #prevX0}. */
    int prevT() {
        return prevT;
    }

    /** Records this step's x̂₀ at {@code t} for the next step; null forgets the history. */
    void remember(Tensor x0, int t) {
        if (prevX0 != null) {
            Tensors.release(prevX0);
        }
        prevX0 = x0 == null ? null : Tensors.keep(x0.detach());
        prevT = x0 == null ? -1 : t;
    }

    /** The state of {@code scheduler}'s run, or a clear error when a state from another scheduler is passed. */
    static MultistepState of(SchedulerState state, Scheduler scheduler) {
        if (state instanceof MultistepState m) {
            return m;
        }
        throw new IllegalArgumentException(scheduler.getClass().getSimpleName()
                + " needs the state from its own newState(), got a " + state.getClass().getSimpleName());
    }

    @Override
    public void close() {
        remember(null, -1);
        super.close();
    }
}
