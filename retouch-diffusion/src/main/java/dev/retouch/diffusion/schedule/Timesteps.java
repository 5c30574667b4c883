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

    /**
     * {@code count} leading-spaced timesteps of {@code schedule} shifted by its {@link NoiseSchedule#stepsOffset()}, as
     * diffusers' DDIM, DDPM, PNDM, Euler, DPM-Solver and UniPC schedulers space them with {@code "leading"} spacing
     * (e.g. 981 … 1 for 50 steps of Stable Diffusion 1.x). The shift is left out when it would pass T − 1
     * (every one of T steps), where diffusers would index past its table.
     */
    public static int[] leading(NoiseSchedule schedule, int count) {
        int T = schedule.numTrainTimesteps();
        int[] ts = spaced(count, T, TimestepSpacing.LEADING);
        int offset = schedule.stepsOffset();
        if (offset == 0 || ts[0] + offset > T - 1) {
            return ts;
        }
        for (int i = 0; i < ts.length; i++) {
            ts[i] += offset;
        }
        return explicit(ts, T);
    }

    /** The ρ of Karras et al. 2022 (Eq. 5), their choice for every model they test. */
    public static final double KARRAS_RHO = 7.0;

    /**
     * {@code count} timesteps with Karras et al.'s noise levels (2022, Eq. 5, ρ = 7) between σ_max = σ_{T−1} and
     * σ_min = σ_0 of {@code schedule}: σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, each mapped to
     * the integer timestep nearest in log σ, so a model trained on integer t sees one it knows and the solver uses
     * that timestep's own σ. (diffusers instead interpolates a fractional timestep per σ.) Near σ_min several σ_i
     * can round to one timestep; the list keeps each once, so it may be shorter than {@code count} (e.g. 239 of 250
     * for DDPM's linear 1000-step schedule). The first entry is T−1 and the last 0.
     */
    public static int[] karras(NoiseSchedule schedule, int count) {
        int T = schedule.numTrainTimesteps();
        if (count < 1 || count > T) {
            throw new IllegalArgumentException("step count must be in [1, " + T + "], got " + count);
        }
        double lo = Math.pow(schedule.sigma(0), 1 / KARRAS_RHO);
        double hi = Math.pow(schedule.sigma(T - 1), 1 / KARRAS_RHO);
        int[] out = new int[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            double f = count == 1 ? 0 : (double) i / (count - 1);
            int t = nearestInLogSigma(schedule, KARRAS_RHO * Math.log(hi + f * (lo - hi)));
            if (n == 0 || t < out[n - 1]) {
                out[n++] = t;
            }
        }
        return explicit(Arrays.copyOf(out, n), T);
    }

    /** The timestep whose log σ_t is nearest to {@code logSigma} (σ_t increases with t: binary search). */
    static int nearestInLogSigma(NoiseSchedule schedule, double logSigma) {
        int lo = 0;
        int hi = schedule.numTrainTimesteps() - 1;
        while (lo < hi) { // the first t with log σ_t ≥ logSigma
            int mid = (lo + hi) >>> 1;
            if (Math.log(schedule.sigma(mid)) < logSigma) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo > 0 && logSigma - Math.log(schedule.sigma(lo - 1)) < Math.log(schedule.sigma(lo)) - logSigma) {
            return lo - 1;
        }
        return lo;
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
