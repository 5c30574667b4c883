package dev.retouch.diffusion.pipeline;

import dev.retouch.core.progress.CancelledException;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.SchedulerState;
import dev.retouch.diffusion.schedule.StepResult;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The one loop every pipeline runs: for each timestep of the scheduler, predict, guide, step, post-process, report.
 * Each step runs in its own pointer scope; only the new sample survives it, and the previous one is freed, so
 * memory stays flat however many steps run. Gradients are off unless a hook turns them on for itself.
 */
public final class DenoiseLoop {
    private DenoiseLoop() {
    }

    /**
     * Runs the scheduler's timesteps from {@code xStart}.
     *
     * @param gen noise for stochastic schedulers (may be null for deterministic ones)
     * @return the final sample: it belongs to the caller's innermost pointer scope, like any tensor made there
     *         (with no scope open, to the caller: freed by {@code Tensors.release} or the garbage collector)
     * @throws CancelledException when the listener cancels the run (after releasing what the run held)
     */
    public static Tensor run(Denoiser model, Scheduler scheduler, Tensor xStart, Generator gen, LoopHooks hooks) {
        int[] ts = scheduler.timesteps();
        Tensor x = xStart;
        boolean done = false;
        try (SchedulerState state = scheduler.newState(gen); NoGradGuard ignored = new NoGradGuard()) {
            for (int i = 0; i < ts.length; i++) {
                int t = ts[i];
                int tNext = i + 1 < ts.length ? ts[i + 1] : -1;
                Tensor next;
                try (PointerScope ignored2 = new PointerScope()) {
                    Tensor out = model.predict(scheduler.scaleModelInput(x, t), t);
                    if (hooks.guidance() != null) {
                        out = hooks.guidance().adjust(out, x, t);
                    }
                    StepResult r = scheduler.step(out, t, x, state);
                    next = hooks.afterStep() != null ? hooks.afterStep().apply(r.prev(), tNext) : r.prev();
                    next = next.detach();
                    next.retainReference(); // survives this step's scope
                }
                if (x != xStart) {
                    x.releaseReference(); // the previous step's sample is no longer needed
                }
                x = next;
                if (hooks.listener() != null && !hooks.listener().onStep(i + 1, ts.length, Double.NaN)) {
                    throw new CancelledException(i + 1, ts.length);
                }
            }
            done = true;
        } finally {
            if (!done && x != xStart) {
                x.releaseReference(); // a failed or cancelled run leaves nothing behind (the history: state.close)
            }
        }
        PointerScope outer = PointerScope.getInnerScope();
        if (x != xStart && outer != null) {
            outer.attach(x);      // the result belongs to the caller's scope, like any tensor made there
            x.releaseReference(); // ... which now holds the only reference
        }
        return x;
    }
}
