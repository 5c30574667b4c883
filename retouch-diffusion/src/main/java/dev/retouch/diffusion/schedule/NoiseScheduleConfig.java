package dev.retouch.diffusion.schedule;

/**
 * The forward noise process: T training timesteps, the β schedule and what the network predicts.
 *
 * @param clipSample      clamp predicted x₀ to [−clipSampleRange, clipSampleRange] during sampling
 */
public record NoiseScheduleConfig(int numTrainTimesteps, double betaStart, double betaEnd, BetaSchedule betaSchedule,
                                  PredictionType predictionType, boolean clipSample, double clipSampleRange) {
    public NoiseScheduleConfig {
        if (numTrainTimesteps < 2 || numTrainTimesteps > 100_000) {
            throw new IllegalArgumentException("numTrainTimesteps must be in [2, 100000], got " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1)) {
            throw new IllegalArgumentException("need 0 < betaStart <= betaEnd < 1, got " + betaStart + ", " + betaEnd);
        }
        if (betaSchedule == null || predictionType == null) {
            throw new IllegalArgumentException("betaSchedule and predictionType are required");
        }
        if (clipSample && !(clipSampleRange > 0)) {
            throw new IllegalArgumentException("clipSampleRange must be > 0, got " + clipSampleRange);
        }
    }

    /** The same process without x₀ clipping (inversion and reconstruction need the unclipped, invertible update). */
    public NoiseScheduleConfig withoutClipping() {
        return new NoiseScheduleConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, predictionType, false,
                clipSampleRange);
    }

    /**
     * The same noise process read with another prediction type: e.g. the ε view of a v-prediction model, for a loop
     * that works in ε (classifier guidance) after converting the model's outputs with {@link NoiseSchedule#predictEps}.
     */
    public NoiseScheduleConfig withPrediction(PredictionType type) {
        return new NoiseScheduleConfig(numTrainTimesteps, betaStart, betaEnd, betaSchedule, type, clipSample,
                clipSampleRange);
    }

    /** DDPM's pixel-space default: 1000 steps, β linear 1e-4 → 0.02, ε-prediction, x₀ clipped to [−1, 1]. */
    public static NoiseScheduleConfig ddpmLinear() {
        return new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR, PredictionType.EPSILON, true, 1.0);
    }

    /** Stable Diffusion's latent default: 1000 steps, scaled-linear 0.00085 → 0.012, ε-prediction, no clipping. */
    public static NoiseScheduleConfig stableDiffusion() {
        return new NoiseScheduleConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, PredictionType.EPSILON,
                false, 1.0);
    }
}
