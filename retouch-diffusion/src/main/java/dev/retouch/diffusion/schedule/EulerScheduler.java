package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Deterministic Euler steps of the probability-flow ODE (Karras et al. 2022, Alg. 1 without the second-order
 * correction), usually over Karras noise levels ({@link Timesteps#karras}).
 *
 * <p>Retouch keeps one sample convention for every scheduler: the loop's sample is the variance-preserving
 * x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, so the initial N(0, I) noise, {@link #addNoise} and the model input need no scaling
 * ({@link #scaleModelInput} is the identity; diffusers' Euler instead carries x̃ and divides it by √(σ²+1) for the
 * model, the same thing). Each step converts to the ODE's variables and back: x̃ = x_t/√ᾱ_t, σ = {@link
 * NoiseSchedule#sigma} (Karras Table 1, VP: s(t) = √ᾱ_t), D = x̂₀ (their denoiser D(x̃; σ_t)),
 * d = (x̃ − D)/σ_t (Alg. 1, line 4, from Eq. 1 and 3), x̃_s = x̃ + (σ_s − σ_t)·d (line 5),
 * x_s = √ᾱ_s·x̃_s. The step after the last listed timestep goes to σ = 0 and returns x̂₀.
 *
 * <p>Over the same timesteps this is exactly DDIM with η = 0 (Song et al. 2021, §4.3: DDIM is Euler in (x̃, σ)); the
 * two differ only in the timesteps they are usually given. x̂₀ is clipped when the schedule's config asks for it.
 */
public final class EulerScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int[] timesteps;

    /** Euler over an explicit descending timestep list. */
    public EulerScheduler(NoiseSchedule schedule, int[] timesteps) {
        this.schedule = schedule;
        this.timesteps = Timesteps.explicit(timesteps, schedule.numTrainTimesteps());
    }

    /**
     * {@code steps} steps: Karras noise levels ({@link Timesteps#karras}; possibly fewer steps, see there) when
     * {@code karrasSigmas}, else leading-spaced timesteps as {@link DDIMScheduler#of}.
     */
    public static EulerScheduler of(NoiseSchedule schedule, int steps, boolean karrasSigmas) {
        return new EulerScheduler(schedule, karrasSigmas ? Timesteps.karras(schedule, steps)
                : Timesteps.leading(schedule, steps));
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
        Tensor x0 = schedule.maybeClip(schedule.predictX0(modelOutput, sample, t)); // D(x̃; σ_t), (B, C, H, W)
        if (s < 0) {
            return new StepResult(x0, x0); // σ_s = 0: x̃ + (0 − σ_t)·(x̃ − D)/σ_t = D
        }
        double sigmaT = schedule.sigma(t);
        double sigmaS = schedule.sigma(s);
        Tensor xTilde = sample.div(Tensors.s(Math.sqrt(schedule.alphaBar(t))));
        Tensor d = xTilde.sub(x0).div(Tensors.s(sigmaT)); // Alg. 1, line 4: dx̃/dσ = (x̃ − D)/σ
        Tensor xTildeS = xTilde.add(d.mul(Tensors.s(sigmaS - sigmaT))); // Alg. 1, line 5 (Euler step)
        return new StepResult(xTildeS.mul(Tensors.s(Math.sqrt(schedule.alphaBar(s)))), x0);
    }
}
