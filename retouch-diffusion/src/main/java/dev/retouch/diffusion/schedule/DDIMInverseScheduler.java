package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Deterministic DDIM inversion: the η = 0 update of Eq. 12 run upwards. Timesteps are visited ascending; the
 * sample starts at the clean level (ᾱ = 1). At timestep t the model is evaluated at the current sample, which sits
 * at the previous listed level r (−1 for the first step), and the update is
 * x_t = √ᾱ_t·x̂₀ + √(1−ᾱ_t)·ε̂ with x̂₀ = (x_r − √(1−ᾱ_r)·ε̂)/√ᾱ_r — the usual approximation ε(x_r, t) ≈ ε(x_t, t).
 * Reconstruction runs {@link DDIMScheduler} with η = 0 over the same list reversed. A v-prediction output is read
 * as ε̂ = √(1−ᾱ_t)·x + √ᾱ_t·v̂ at the sample shown (as diffusers' inverse scheduler does): the same approximation
 * x_r ≈ x_t as for ε. x₀-prediction is refused: its first step from the clean level is undefined.
 */
public final class DDIMInverseScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int[] ascending;

    /** @param descending the sampling list; inversion visits it in reverse */
    public DDIMInverseScheduler(NoiseSchedule schedule, int[] descending) {
        if (schedule.config().predictionType() == PredictionType.SAMPLE) {
            throw new IllegalArgumentException("DDIM inversion needs an ε- or v-prediction model, found "
                    + schedule.config().predictionType());
        }
        this.schedule = schedule;
        this.ascending = Timesteps.reversed(Timesteps.explicit(descending, schedule.numTrainTimesteps()));
    }

    @Override
    public int[] timesteps() {
        return ascending.clone();
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public StepResult step(Tensor modelOutput, int t, Tensor sample, SchedulerState state) {
        int i = state.index();
        state.advance(t, -1);
        int r = i == 0 ? -1 : ascending[i - 1];
        double aR = schedule.alphaBar(r);
        double aT = schedule.alphaBar(t);
        Tensor eps = schedule.predictEps(modelOutput, sample, t);
        Tensor x0 = sample.sub(eps.mul(Tensors.s(Math.sqrt(1 - aR)))).div(Tensors.s(Math.sqrt(aR)));
        Tensor next = x0.mul(Tensors.s(Math.sqrt(aT))).add(eps.mul(Tensors.s(Math.sqrt(1 - aT))));
        return new StepResult(next, x0);
    }
}
