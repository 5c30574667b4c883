package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * UniPC (Zhao et al. 2023), the sampler of paper 003: a multistep predictor (UniP) and corrector (UniC) in the
 * data-prediction form with the B(h) = e^{h} − 1 variant ("bh2"), solver order 2, deterministic. With α = √ᾱ,
 * σ = √(1−ᾱ), λ = log(α/σ), x̂₀ the model's data prediction and a step s₀ → s of size h = λ_s − λ_{s₀}:
 * <pre>
 *   UniP:  x_s = (σ_s/σ_{s₀})·x − α_s·(e^{−h} − 1)·m₀ − α_s·B(−h)·½·D₁          (order 2; order 1 drops D₁)
 *          D₁ = (m₋₁ − m₀)/r,  r = (λ_{s₋₁} − λ_{s₀})/h
 *   UniC:  x_s ← (σ_s/σ_{s₀})·x_{s₀} − α_s·(e^{−h} − 1)·m₀ − α_s·B(−h)·(ρ₁·D₁ + ρ_c·(m_s − m₀))
 * </pre>
 * where UniC runs at the start of the next step, once m_s = x̂₀(x_s, s) is known (no extra model call), with ρ from
 * the order conditions R·ρ = b (ρ_c = ½ at order 1). The history (the last two x̂₀, their timesteps, the sample
 * before the last prediction and its order) lives in the run's state, never in the scheduler.
 *
 * <p>{@code lowerOrderFinal} makes the update into the last listed timestep first order, as {@link
 * DPMSolverMultistepScheduler} does (our lists end at t = 0, far beyond the previous level in λ). The step after the
 * last listed timestep goes to the clean level and returns x̂₀. x̂₀ is clipped when the schedule's config asks for it.
 */
public final class UniPCMultistepScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final boolean lowerOrderFinal;

    public UniPCMultistepScheduler(NoiseSchedule schedule, int[] timesteps, boolean lowerOrderFinal) {
        this.schedule = schedule;
        this.timesteps = Timesteps.explicit(timesteps, schedule.numTrainTimesteps());
        this.lowerOrderFinal = lowerOrderFinal;
    }

    /** {@code steps} leading-spaced timesteps (as {@link DDIMScheduler#of}), with {@code lowerOrderFinal}. */
    public static UniPCMultistepScheduler of(NoiseSchedule schedule, int steps) {
        return new UniPCMultistepScheduler(schedule, Timesteps.leading(schedule, steps), true);
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
    public SchedulerState newState(Generator gen) {
        return new State(timesteps, gen);
    }

    /** The run's history. */
    static final class State extends SchedulerState {
        private Tensor m1;           // x̂₀ at t1 (the previous step)
        private Tensor m2;           // x̂₀ at t2 (the one before)
        private int t1 = -1;
        private int t2 = -1;
        private Tensor lastSample;   // the sample the previous prediction started from
        private int lastOrder;

        State(int[] timesteps, Generator generator) {
            super(timesteps, generator);
        }

        void push(Tensor m0, int t, Tensor sample, int order) {
            if (m2 != null) {
                Tensors.release(m2);
            }
            m2 = m1;
            t2 = t1;
            m1 = Tensors.keep(m0.detach());
            t1 = t;
            if (lastSample != null) {
                Tensors.release(lastSample);
            }
            lastSample = Tensors.keep(sample.detach());
            lastOrder = order;
        }

        void clear() {
            for (Tensor x : new Tensor[]{m1, m2, lastSample}) {
                if (x != null) {
                    Tensors.release(x);
                }
            }
            m1 = m2 = lastSample = null;
            t1 = t2 = -1;
        }

        @Override
        public void close() {
            clear();
            super.close();
        }
    }

    @Override
    public StepResult step(Tensor modelOutput, int t, Tensor sample, SchedulerState state) {
        if (!(state instanceof State run)) {
            throw new IllegalArgumentException("UniPCMultistepScheduler needs the state from its own newState(), got a "
                    + state.getClass().getSimpleName());
        }
        int i = run.index();
        int s = run.advance(t, -1);
        Tensor m0 = schedule.maybeClip(schedule.predictX0(modelOutput, sample, t));
        if (s < 0) {
            run.clear();
            return new StepResult(m0, m0); // to the clean level: x̂₀ (a correction of x_t would not change it)
        }
        Tensor x = run.lastSample == null ? sample : correct(m0, t, sample, run);
        int order = run.m1 == null || (lowerOrderFinal && i == timesteps.length - 2) ? 1 : 2;
        Tensor next = predict(x, m0, t, s, order, run);
        run.push(m0, t, x, order);
        return new StepResult(next, m0);
    }

    private double alpha(int t) {
        return Math.sqrt(schedule.alphaBar(t));
    }

    private double sigma(int t) {
        return Math.sqrt(1 - schedule.alphaBar(t));
    }

    /** UniP from (x, m₀) at t to s. */
    private Tensor predict(Tensor x, Tensor m0, int t, int s, int order, State run) {
        double h = schedule.lambda(s) - schedule.lambda(t);
        double phi1 = Math.expm1(-h);
        Tensor out = x.mul(Tensors.s(sigma(s) / sigma(t))).sub(m0.mul(Tensors.s(alpha(s) * phi1)));
        if (order == 2) {
            double r = (schedule.lambda(run.t1) - schedule.lambda(t)) / h;
            Tensor d1 = run.m1.sub(m0).div(Tensors.s(r));
            out = out.sub(d1.mul(Tensors.s(alpha(s) * phi1 * 0.5))); // B(−h) = e^{−h} − 1 = φ₁, ρ = ½
        }
        return out;
    }

    /** UniC: the sample at t recomputed from the previous step's start with m_t = x̂₀(x_t, t) now known. */
    private Tensor correct(Tensor mt, int t, Tensor sample, State run) {
        int s0 = run.t1;
        double h = schedule.lambda(t) - schedule.lambda(s0);
        double hh = -h;
        double phi1 = Math.expm1(hh);
        double bh = phi1;
        Tensor base = run.lastSample.mul(Tensors.s(sigma(t) / sigma(s0))).sub(run.m1.mul(Tensors.s(alpha(t) * phi1)));
        Tensor dt = mt.sub(run.m1);
        if (run.lastOrder == 1) {
            return base.sub(dt.mul(Tensors.s(alpha(t) * bh * 0.5)));
        }
        // order 2: R = [[1, 1], [r, 1]], b_k = k!·h_φ_k/B(h) with h_φ_1 = φ₁/hh − 1, h_φ_2 = h_φ_1/hh − ½
        double r = (schedule.lambda(run.t2) - schedule.lambda(s0)) / h;
        double hPhi1 = phi1 / hh - 1;
        double hPhi2 = hPhi1 / hh - 0.5;
        double b1 = hPhi1 / bh;
        double b2 = 2 * hPhi2 / bh;
        double rho1 = (b1 - b2) / (1 - r);
        double rhoC = b1 - rho1;
        Tensor d1 = run.m2.sub(run.m1).div(Tensors.s(r));
        return base.sub(d1.mul(Tensors.s(alpha(t) * bh * rho1)).add(dt.mul(Tensors.s(alpha(t) * bh * rhoC))));
    }
}
