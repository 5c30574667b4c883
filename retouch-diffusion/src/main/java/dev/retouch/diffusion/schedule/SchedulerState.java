package dev.retouch.diffusion.schedule;

import org.bytedeco.pytorch.Generator;

import java.util.Arrays;

/**
 * The mutable part of one sampling run: the position in the timestep list and the run's generator. Never shared
 * between runs or threads. Multistep schedulers keep their history in a subclass.
 */
public class SchedulerState implements AutoCloseable {
    private final int[] timesteps;
    private final Generator generator;
    private int index;

    public SchedulerState(int[] timesteps, Generator generator) {
        this.timesteps = timesteps.clone();
        this.generator = generator;
    }

    public Generator generator() {
        return generator;
    }

    public int index() {
        return index;
    }

    /**
     * Checks that {@code t} is the run's current timestep and returns the next one, or {@code end} after the last.
     * Advances the position.
     */
    public int advance(int t, int end) {
        if (index >= timesteps.length) {
            throw new IllegalStateException("run already finished after " + timesteps.length + " steps");
        }
        if (timesteps[index] != t) {
            throw new IllegalArgumentException("step called with t=" + t + " but the run expects t=" + timesteps[index]
                    + " (step " + index + " of " + Arrays.toString(timesteps) + ")");
        }
        index++;
        return index < timesteps.length ? timesteps[index] : end;
    }

    /** Releases whatever the run kept between steps (multistep history); the state is finished afterwards. */
    @Override
    public void close() {
        index = timesteps.length;
    }
}
