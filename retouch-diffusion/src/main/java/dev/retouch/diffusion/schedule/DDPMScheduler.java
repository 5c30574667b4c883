package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Ancestral DDPM sampling (Ho et al. 2020, Eq. 6–7) over any descending timestep list. For a step t → s (s the
 * next listed timestep, −1 after the last) the posterior q(x_s | x_t, x₀) uses α_{t|s} = ᾱ_t/ᾱ_s, so respaced lists
 * are exact (Nichol &amp; Dhariwal 2021, §4): mean = √ᾱ_s·β_{t|s}/(1−ᾱ_t)·x₀ + √α_{t|s}·(1−ᾱ_s)/(1−ᾱ_t)·x_t.
 */
public final class DDPMScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final VarianceType varianceType;

    public DDPMScheduler(NoiseSchedule schedule, int[] timesteps, VarianceType varianceType) {
        this.schedule = schedule;
        this.timesteps = Timesteps.explicit(timesteps, schedule.numTrainTimesteps());
        this.varianceType = varianceType;
    }

    /** All T timesteps, as in the paper. */
    public static DDPMScheduler full(NoiseSchedule schedule, VarianceType varianceType) {
        int T = schedule.numTrainTimesteps();
        return new DDPMScheduler(schedule, Timesteps.spaced(T, T, TimestepSpacing.LEADING), varianceType);
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** The reverse-step variance σ² for the step t → s. */
    public double variance(int t, int s) {
        double aT = schedule.alphaBar(t);
        double aS = schedule.alphaBar(s);
        double betaTS = 1 - aT / aS;
        return varianceType == VarianceType.FIXED_SMALL ? Math.max((1 - aS) / (1 - aT) * betaTS, 1e-20) : betaTS;
    }

    /** The posterior mean μ̃(x_t, x₀) of the step t → s (Eq. 7). */
    public Tensor posteriorMean(Tensor x0, Tensor xt, int t, int s) {
        double aT = schedule.alphaBar(t);
        double aS = schedule.alphaBar(s);
        double alphaTS = aT / aS;
        double cX0 = Math.sqrt(aS) * (1 - alphaTS) / (1 - aT);
        double cXt = Math.sqrt(alphaTS) * (1 - aS) / (1 - aT);
        return x0.mul(Tensors.s(cX0)).add(xt.mul(Tensors.s(cXt)));
    }

    @Override
    public StepResult step(Tensor modelOutput, int t, Tensor sample, SchedulerState state) {
        int s = state.advance(t, -1);
        Tensor x0 = schedule.maybeClip(schedule.predictX0(modelOutput, sample, t));
        Tensor mean = posteriorMean(x0, sample, t, s);
        if (s < 0) {
            return new StepResult(mean, x0);
        }
        Tensor z = Tensors.randnLike(state.generator(), sample);
        return new StepResult(mean.add(z.mul(Tensors.s(Math.sqrt(variance(t, s))))), x0);
    }
}
