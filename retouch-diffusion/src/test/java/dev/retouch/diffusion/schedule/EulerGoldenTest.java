package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Euler (Karras et al. 2022, Alg. 1) against numbers worked by hand in σ-space, against DDIM (η = 0) over the same
 * timesteps, and with an oracle model, where every step must land on the forward marginal and the last on x₀.
 */
class EulerGoldenTest {
    private static final NoiseSchedule EPS = schedule(PredictionType.EPSILON, false);
    private static final long[] SHAPE = {2, 3, 4, 4};

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    static NoiseSchedule schedule(PredictionType p, boolean clip) {
        return new NoiseSchedule(new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR, p, clip, 1.0));
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = Tensors.toFloats(a);
        float[] y = Tensors.toFloats(b);
        assertEquals(x.length, y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private static Tensor scalar(double v) {
        return Tensors.of(new float[]{(float) v}, 1);
    }

    @Test
    void firstStepWorkedByHand() {
        // numpy, in the ODE's own variables: ᾱ_500 = 0.077796658365, ᾱ_200 = 0.656347005519,
        // σ_500 = 3.4429671125, σ_200 = 0.7235912594; x̃ = x/√ᾱ_500, D = x̂₀, d = (x̃ − D)/σ_500,
        // x̃' = x̃ + (σ_200 − σ_500)·d, x_200 = √ᾱ_200·x̃'. Sample x_500 = 1.2, model output 0.3.
        EulerScheduler eps = new EulerScheduler(EPS, new int[]{500, 200});
        StepResult r = eps.step(scalar(0.3), 500, scalar(1.2), eps.newState(null));
        assertEquals(3.2694106989, r.predX0().item_double(), 2e-6, "x̂₀ from ε");
        assertEquals(2.8245868858, r.prev().item_double(), 2e-6, "x_200 from ε");

        NoiseSchedule vSched = schedule(PredictionType.V_PREDICTION, false);
        EulerScheduler v = new EulerScheduler(vSched, new int[]{500, 200});
        StepResult rv = v.step(scalar(0.3), 500, scalar(1.2), v.newState(null));
        assertEquals(0.0466103714, rv.predX0().item_double(), 2e-6, "x̂₀ from v");
        assertEquals(0.7623596619, rv.prev().item_double(), 2e-6, "x_200 from v");

        // the last step goes to σ = 0 and returns x̂₀
        EulerScheduler last = new EulerScheduler(EPS, new int[]{500});
        StepResult rl = last.step(scalar(0.3), 500, scalar(1.2), last.newState(null));
        assertEquals(rl.predX0().item_double(), rl.prev().item_double(), 0.0);
    }

    @Test
    void equalsDdimEtaZeroOverTheSameTimesteps() {
        // DDIM's η = 0 update is Euler's in (x̃, σ) (Song et al. 2021, §4.3), clipping included
        int[] ts = {900, 700, 420, 150, 30, 0};
        for (PredictionType p : PredictionType.values()) {
            NoiseSchedule s = schedule(p, true);
            Scheduler euler = new EulerScheduler(s, ts);
            Scheduler ddim = new DDIMScheduler(s, ts, 0.0);
            SchedulerState se = euler.newState(null);
            SchedulerState sd = ddim.newState(null);
            Tensor xe = Tensors.randn(Tensors.generator(1), SHAPE);
            Tensor xd = xe;
            for (int t : ts) {
                xe = euler.step(fakeModel(xe, t), t, xe, se).prev();
                xd = ddim.step(fakeModel(xd, t), t, xd, sd).prev();
                assertTrue(maxAbsDiff(xe, xd) < 1e-4, p + " t=" + t + ": " + maxAbsDiff(xe, xd));
            }
        }
    }

    @Test
    void oracleRunStaysOnTheForwardMarginalAndEndsAtX0() {
        for (Scheduler s : new Scheduler[]{EulerScheduler.of(EPS, 25, true), EulerScheduler.of(EPS, 25, false),
                DPMSolverMultistepScheduler.of(EPS, 25, true), DPMSolverMultistepScheduler.of(EPS, 25, false),
                new DPMSolverMultistepScheduler(EPS, Timesteps.spaced(25, 1000, TimestepSpacing.TRAILING), false)}) {
            assertOracleRun(s);
        }
    }

    /**
     * Runs {@code s} from x_T = q_sample(x₀, ε, T₀) with a model that returns the exact ε of the known x₀ at the
     * sample it is shown. The ODE is then x̃(σ) = x₀ + σ·ε, on which Euler and DPM-Solver++ are exact.
     */
    static void assertOracleRun(Scheduler s) {
        NoiseSchedule sched = s.schedule();
        Tensor x0 = Tensors.rand(Tensors.generator(3), SHAPE).mul(Tensors.s(1.8)).sub(Tensors.s(0.9));
        Tensor eps = Tensors.randn(Tensors.generator(4), SHAPE);
        int[] ts = s.timesteps();
        Tensor x = sched.addNoise(x0, eps, ts[0]);
        SchedulerState state = s.newState(null);
        for (int i = 0; i < ts.length; i++) {
            Tensor oracle = sched.epsFromX0(x0, x, ts[i]); // the exact ε of x₀ at x
            x = s.step(oracle, ts[i], x, state).prev();
            int next = i + 1 < ts.length ? ts[i + 1] : -1;
            Tensor want = next < 0 ? x0 : sched.addNoise(x0, eps, next);
            double d = maxAbsDiff(want, x);
            assertTrue(d < 1e-4, s.getClass().getSimpleName() + " " + ts[i] + " → " + next + ": " + d);
        }
        assertArrayEquals(Tensors.toFloats(x0), Tensors.toFloats(x), 1e-5f);
    }

    /** A deterministic stand-in network, not an oracle. */
    static Tensor fakeModel(Tensor x, int t) {
        return x.mul(Tensors.s(0.5)).add(Tensors.s(0.1 + t * 1e-4));
    }
}
