package dev.retouch.diffusion.train;

/**
 * Hyper-parameters of the shared training loop.
 *
 * @param steps           optimizer steps in all
 * @param batchSize       samples per step
 * @param learningRate    peak AdamW learning rate
 * @param warmupSteps     linear warm-up from 0 to the peak
 * @param weightDecay     AdamW decoupled weight decay
 * @param gradClip        clip the global gradient norm to this value (0 = off)
 * @param emaDecay        exponential moving average of the weights (0 = off)
 * @param checkpointEvery steps between atomic checkpoints (0 = only at the end)
 * @param seed            seed of the run's generator (data order, noise, timesteps)
 * @param decayEvery      steps between learning-rate decays after warm-up (0 = constant)
 * @param decayFactor     the factor of each decay (paper 002: 0.9)
 */
public record TrainConfig(int steps, int batchSize, double learningRate, int warmupSteps, double weightDecay,
                          double gradClip, double emaDecay, int checkpointEvery, long seed, int decayEvery,
                          double decayFactor) {
    /** A run with a constant learning rate after warm-up. */
    public TrainConfig(int steps, int batchSize, double learningRate, int warmupSteps, double weightDecay,
                       double gradClip, double emaDecay, int checkpointEvery, long seed) {
        this(steps, batchSize, learningRate, warmupSteps, weightDecay, gradClip, emaDecay, checkpointEvery, seed, 0, 1.0);
    }

    public TrainConfig {
        if (decayEvery < 0 || !(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("need decayEvery >= 0 and decayFactor in (0, 1], got " + decayEvery
                    + " and " + decayFactor);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || warmupSteps < 0 || weightDecay < 0 || gradClip < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("need learningRate > 0 and non-negative warmup, decay, clip, checkpoint");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("emaDecay must be in [0, 1), got " + emaDecay);
        }
    }

    /**
     * The learning rate at a (0-based) step: linear warm-up, then constant, or multiplied by {@code decayFactor}
     * every {@code decayEvery} steps after the warm-up.
     */
    public double learningRateAt(int step) {
        double warm = warmupSteps == 0 ? 1.0 : Math.min(1.0, (step + 1.0) / warmupSteps);
        double decay = decayEvery == 0 || step < warmupSteps ? 1.0
                : Math.pow(decayFactor, (step - warmupSteps) / decayEvery);
        return learningRate * warm * decay;
    }
}
