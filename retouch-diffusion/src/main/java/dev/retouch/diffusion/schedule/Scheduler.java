package dev.retouch.diffusion.schedule;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * One reverse (or, for inversion, forward) update rule over a fixed list of timesteps. Implementations are
 * immutable and thread-safe; everything that changes during a run lives in the {@link SchedulerState} that
 * {@link #newState} creates, so one scheduler can serve many concurrent runs. Options such as {@code eta} belong to
 * the scheduler's construction, never to {@link #step}.
 */
public interface Scheduler {
    /** The timesteps of a run in the order the loop visits them (a copy). */
    int[] timesteps();

    /** The noise process this scheduler steps through. */
    NoiseSchedule schedule();

    /** Fresh per-run state; {@code gen} supplies the noise of stochastic steps (may be null for deterministic ones). */
    default SchedulerState newState(Generator gen) {
        return new SchedulerState(timesteps(), gen);
    }

    /**
     * One update from level {@code t} (the state's current timestep) to the next level of the run.
     *
     * @param modelOutput the network's prediction at (sample, t), of the schedule's prediction type
     */
    StepResult step(Tensor modelOutput, int t, Tensor sample, SchedulerState state);

    /** q_sample: the clean sample noised to level t. */
    default Tensor addNoise(Tensor x0, Tensor noise, int t) {
        return schedule().addNoise(x0, noise, t);
    }

    /**
     * The scale applied to the sample before the model sees it. Every Retouch scheduler keeps the loop's sample in
     * the variance-preserving form x_t, which is what the model takes, so this is the identity for all of them (σ-space
     * solvers such as {@link EulerScheduler} convert inside {@link #step}).
     */
    default Tensor scaleModelInput(Tensor sample, int t) {
        return sample;
    }
}
