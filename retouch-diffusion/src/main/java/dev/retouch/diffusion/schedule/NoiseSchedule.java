package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * The closed-form quantities of the forward process q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I) (DDPM Eq. 4) and the
 * conversions between what a network predicts (ε, x₀, v) and x₀/ε. Immutable and thread-safe.
 * Timestep t indexes 0 … T−1; ᾱ of the level "before t = 0" (the clean image) is 1.
 */
public final class NoiseSchedule {
    private final NoiseScheduleConfig config;
    private final double[] betas;
    private final double[] alphasCumprod;
    private final int stepsOffset;

    public NoiseSchedule(NoiseScheduleConfig config) {
        this(config, 0);
    }

    /**
     * A schedule whose leading-spaced sampling timesteps are shifted by {@code stepsOffset} (diffusers'
     * {@code steps_offset}: 1 in Stable Diffusion 1.x's scheduler config, so 50 DDIM steps visit 981, 961, …, 1;
     * 0 for our own models). See {@link Timesteps#leading}.
     */
    public NoiseSchedule(NoiseScheduleConfig config, int stepsOffset) {
        if (stepsOffset < 0 || stepsOffset >= config.numTrainTimesteps()) {
            throw new IllegalArgumentException("stepsOffset must be in [0, " + config.numTrainTimesteps() + "), got "
                    + stepsOffset);
        }
        this.config = config;
        this.stepsOffset = stepsOffset;
        this.betas = betas(config);
        this.alphasCumprod = new double[betas.length];
        double acc = 1.0;
        for (int t = 0; t < betas.length; t++) {
            acc *= 1.0 - betas[t];
            alphasCumprod[t] = acc;
        }
    }

    static double[] betas(NoiseScheduleConfig c) {
        int n = c.numTrainTimesteps();
        double[] b = new double[n];
        for (int t = 0; t < n; t++) {
            double f = n == 1 ? 0 : (double) t / (n - 1);
            b[t] = switch (c.betaSchedule()) {
                case LINEAR -> c.betaStart() + f * (c.betaEnd() - c.betaStart());
                case SCALED_LINEAR -> square(Math.sqrt(c.betaStart()) + f * (Math.sqrt(c.betaEnd()) - Math.sqrt(c.betaStart())));
                case COSINE -> Math.min(1.0 - cosineAlphaBar((t + 1.0) / n) / cosineAlphaBar((double) t / n), 0.999);
            };
        }
        return b;
    }

    private static double cosineAlphaBar(double u) {
        return square(Math.cos((u + 0.008) / 1.008 * Math.PI / 2));
    }

    private static double square(double v) {
        return v * v;
    }

    /** The shift of leading-spaced sampling timesteps (0 unless the model's scheduler config says otherwise). */
    public int stepsOffset() {
        return stepsOffset;
    }

    public NoiseScheduleConfig config() {
        return config;
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[t];
    }

    /** ᾱ_t for t in [0, T); 1.0 for t = −1 (the clean level). */
    public double alphaBar(int t) {
        if (t == -1) {
            return 1.0;
        }
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " outside [0, " + alphasCumprod.length + ")");
        }
        return alphasCumprod[t];
    }

    /**
     * The noise level of t in the variance-exploding form x̃ = x_t/√ᾱ_t = x₀ + σ_t·ε (Karras et al. 2022, Table 1,
     * "VP"): σ_t = √((1−ᾱ_t)/ᾱ_t); 0 for t = −1 (the clean level). Strictly increasing in t.
     */
    public double sigma(int t) {
        double a = alphaBar(t);
        return Math.sqrt((1 - a) / a);
    }

    /**
     * The half log-SNR λ_t = log(√ᾱ_t/√(1−ᾱ_t)) = −log σ_t (Lu et al. 2022, §2); +∞ for t = −1. Strictly
     * decreasing in t.
     */
    public double lambda(int t) {
        return -Math.log(sigma(t));
    }

    /** q_sample (DDPM Eq. 4): √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, one t for the whole batch. */
    public Tensor addNoise(Tensor x0, Tensor noise, int t) {
        double a = alphaBar(t);
        return x0.mul(Tensors.s(Math.sqrt(a))).add(noise.mul(Tensors.s(Math.sqrt(1 - a))));
    }

    /** q_sample with one timestep per batch element: x0, noise (B, …), t (B). */
    public Tensor addNoise(Tensor x0, Tensor noise, int[] t) {
        Tensor sa = perSample(t, x0, false);
        Tensor s1 = perSample(t, x0, true);
        return x0.mul(sa).add(noise.mul(s1));
    }

    /** The training target for a network of this schedule's prediction type. */
    public Tensor target(Tensor x0, Tensor noise, int[] t) {
        return switch (config.predictionType()) {
            case EPSILON -> noise;
            case SAMPLE -> x0;
            case V_PREDICTION -> noise.mul(perSample(t, x0, false)).sub(x0.mul(perSample(t, x0, true)));
        };
    }

    /**
     * (B, 1, 1, …) tensor of √ᾱ_t (or √(1−ᾱ_t) when {@code oneMinus}) for broadcasting over a batch like
     * {@code x} (same rank, on its device).
     */
    private Tensor perSample(int[] t, Tensor x, boolean oneMinus) {
        long dims = x.dim();
        float[] v = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            double a = alphaBar(t[i]);
            v[i] = (float) Math.sqrt(oneMinus ? 1 - a : a);
        }
        long[] shape = new long[(int) dims];
        java.util.Arrays.fill(shape, 1);
        shape[0] = t.length;
        return Tensors.onDeviceOf(x, Tensors.of(v, shape));
    }

    /** x₀ implied by the model output at x_t (DDIM Eq. 12 for ε; direct for x₀; Salimans &amp; Ho for v). */
    public Tensor predictX0(Tensor modelOutput, Tensor xt, int t) {
        double a = alphaBar(t);
        return switch (config.predictionType()) {
            case EPSILON -> xt.sub(modelOutput.mul(Tensors.s(Math.sqrt(1 - a)))).div(Tensors.s(Math.sqrt(a)));
            case SAMPLE -> modelOutput;
            case V_PREDICTION -> xt.mul(Tensors.s(Math.sqrt(a))).sub(modelOutput.mul(Tensors.s(Math.sqrt(1 - a))));
        };
    }

    /** {@link #predictX0(Tensor, Tensor, int)} with one timestep per batch element. */
    public Tensor predictX0(Tensor modelOutput, Tensor xt, int[] t) {
        Tensor sa = perSample(t, xt, false);
        Tensor s1 = perSample(t, xt, true);
        return switch (config.predictionType()) {
            case EPSILON -> xt.sub(modelOutput.mul(s1)).div(sa);
            case SAMPLE -> modelOutput;
            case V_PREDICTION -> xt.mul(sa).sub(modelOutput.mul(s1));
        };
    }

    /** ε implied by x₀ at x_t: (x_t − √ᾱ·x₀)/√(1−ᾱ). */
    public Tensor epsFromX0(Tensor x0, Tensor xt, int t) {
        double a = alphaBar(t);
        return xt.sub(x0.mul(Tensors.s(Math.sqrt(a)))).div(Tensors.s(Math.sqrt(1 - a)));
    }

    /** ε implied by the model output at x_t, for any prediction type. */
    public Tensor predictEps(Tensor modelOutput, Tensor xt, int t) {
        double a = alphaBar(t);
        return switch (config.predictionType()) {
            case EPSILON -> modelOutput;
            case SAMPLE -> epsFromX0(modelOutput, xt, t);
            case V_PREDICTION -> xt.mul(Tensors.s(Math.sqrt(1 - a))).add(modelOutput.mul(Tensors.s(Math.sqrt(a))));
        };
    }

    /** Clamps x₀ when the config asks for it. */
    public Tensor maybeClip(Tensor x0) {
        if (!config.clipSample()) {
            return x0;
        }
        double r = config.clipSampleRange();
        return x0.clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-r)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(r)));
    }
}
