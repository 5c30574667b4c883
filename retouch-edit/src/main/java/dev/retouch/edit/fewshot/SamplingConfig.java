package dev.retouch.edit.fewshot;

/**
 * How an effect is applied (the sampling loop the paper leaves open; see the package notes).
 *
 * @param steps    M_y calls per chain (DDIM, η = 0)
 * @param start    the chain's first noise level as a fraction of the T − 1 training levels, in (0, 1]; 1 starts
 *                 from (almost) pure noise
 * @param ensemble independent chains, each with its own randomly drawn source pairs, whose decoded results are
 *                 averaged
 */
public record SamplingConfig(int steps, double start, int ensemble) {
    public SamplingConfig {
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("sampling steps must be in [1, 1000], got " + steps);
        }
        if (!(start > 0 && start <= 1)) {
            throw new IllegalArgumentException("sampling start must be in (0, 1], got " + start);
        }
        if (ensemble < 1 || ensemble > 64) {
            throw new IllegalArgumentException("ensemble must be in [1, 64], got " + ensemble);
        }
    }

    /** 10 DDIM steps from pure noise, one chain. */
    public static SamplingConfig standard() {
        return new SamplingConfig(10, 1.0, 1);
    }

    /** E.g. "10 DDIM steps from 1.0·T, ensemble of 1". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d DDIM steps from %s·T, ensemble of %d", steps, start, ensemble);
    }

    /** The descending timesteps of a chain: {@code steps} levels evenly spaced from round(start·(T−1)) to 0. */
    public int[] timesteps(int numTrainTimesteps) {
        int t0 = (int) Math.round(start * (numTrainTimesteps - 1));
        int n = Math.min(steps, t0 + 1);
        int[] ts = new int[n];
        for (int k = 0; k < n; k++) {
            ts[k] = n == 1 ? t0 : (int) Math.round(t0 * (double) (n - 1 - k) / (n - 1));
        }
        return ts;
    }
}
