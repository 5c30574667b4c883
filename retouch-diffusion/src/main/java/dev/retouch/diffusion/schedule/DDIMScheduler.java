package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * DDIM (Song et al. 2021, Eq. 12): x_s = √ᾱ_s·x̂₀ + √(1−ᾱ_s−σ²)·ε̂ + σ·z with
 * σ = η·√((1−ᾱ_s)/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_s) (Eq. 16). η = 0 is deterministic; η = 1 is DDPM-like.
 * After the last listed timestep s = −1 and ᾱ_s = 1 (diffusers' {@code set_alpha_to_one}).
 */
public final class DDIMScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final double eta;

    public DDIMScheduler(NoiseSchedule schedule, int[] timesteps, double eta) {
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
        this.schedule = schedule;
        this.timesteps = Timesteps.explicit(timesteps, schedule.numTrainTimesteps());
        this.eta = eta;
    }

    /** {@code steps} leading-spaced timesteps, deterministic (η = 0). */
    public static DDIMScheduler of(NoiseSchedule schedule, int steps) {
        return new DDIMScheduler(schedule, Timesteps.leading(schedule, steps), 0.0);
    }

    public double eta() {
        return eta;
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public StepResult step(Tensor modelOutput, int t, Tensor sample, SchedulerState state) {
        int s = state.advance(t, -1);
        double aT = schedule.alphaBar(t);
        double aS = schedule.alphaBar(s);
        Tensor x0 = schedule.predictX0(modelOutput, sample, t);
        Tensor eps = schedule.predictEps(modelOutput, sample, t);
        if (schedule.config().clipSample()) {
            x0 = schedule.maybeClip(x0);
            eps = schedule.epsFromX0(x0, sample, t);
        }
        double sigma = eta * Math.sqrt((1 - aS) / (1 - aT)) * Math.sqrt(1 - aT / aS);
        Tensor prev = x0.mul(Tensors.s(Math.sqrt(aS))).add(eps.mul(Tensors.s(Math.sqrt(Math.max(0, 1 - aS - sigma * sigma)))));
        if (sigma > 0) {
            prev = prev.add(Tensors.randnLike(state.generator(), sample).mul(Tensors.s(sigma)));
        }
        return new StepResult(prev, x0);
    }
}
