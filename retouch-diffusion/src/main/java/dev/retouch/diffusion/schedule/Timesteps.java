package dev.retouch.diffusion.schedule;

import java.util.Arrays;
import java.util.TreeSet;

/** Builds and validates the timestep lists a run visits (respacing). All lists are strictly descending. */
public final class Timesteps {
    private Timesteps() {
    }

    /** {@code count} timesteps out of {@code T}, spaced as {@code spacing}, descending. */
    public static int[] spaced(int count, int T, TimestepSpacing spacing) {
        if (count < 1 || count > T) {
            throw new IllegalArgumentException("step count must be in [1, " + T + "], got " + count);
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (spacing) {
                case LEADING -> (count - 1 - i) * (T / count);
                case TRAILING -> (int) Math.round(T - i * ((double) T / count)) - 1;
                case LINSPACE -> (int) Math.round((T - 1) * (double) (count - 1 - i) / Math.max(1, count - 1));
            };
        }
        return explicit(out, T);
    }

    /** Validates an explicit list: strictly descending, each in [0, T). Returns a copy. */
    public static int[] explicit(int[] timesteps, int T) {
        if (timesteps.length == 0) {
            throw new IllegalArgumentException("timestep list is empty");
        }
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] < 0 || timesteps[i] >= T) {
                throw new IllegalArgumentException("timestep " + timesteps[i] + " outside [0, " + T + ")");
            }
            if (i > 0 && timesteps[i] >= timesteps[i - 1]) {
                throw new IllegalArgumentException("timesteps must be strictly descending: " + Arrays.toString(timesteps));
            }
        }
        return timesteps.clone();
    }

    /** The descending list cut to the timesteps ≤ t0 (for editing that starts from an intermediate level). */
    public static int[] upTo(int[] descending, int t0) {
        return Arrays.stream(descending).filter(t -> t <= t0).toArray();
    }

    /** Reverses a list (descending ↔ ascending). */
    public static int[] reversed(int[] ts) {
        int[] r = new int[ts.length];
        for (int i = 0; i < ts.length; i++) {
            r[i] = ts[ts.length - 1 - i];
        }
        return r;
    }

    /** The union of several lists, descending, without duplicates. */
    public static int[] union(int[]... lists) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int[] l : lists) {
            for (int t : l) {
                set.add(t);
            }
        }
        return set.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }
}
