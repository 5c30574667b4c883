package dev.retouch.core.progress;

/**
 * Called after each step of long work (sampling, training). Returning false asks the work to stop early
 * (cancellation); the caller then ends cleanly at a step boundary.
 */
@FunctionalInterface
public interface StepListener {
    /** Listens to nothing and never cancels. */
    StepListener NONE = (step, total, metric) -> true;

    /**
     * @param step   steps done so far (1-based)
     * @param total  steps in all
     * @param metric a value to show (e.g. the loss), or NaN
     * @return true to continue
     */
    boolean onStep(long step, long total, double metric);
}
