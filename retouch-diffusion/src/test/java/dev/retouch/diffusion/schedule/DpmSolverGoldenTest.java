package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.retouch.diffusion.schedule.EulerGoldenTest.fakeModel;
import static dev.retouch.diffusion.schedule.EulerGoldenTest.maxAbsDiff;
import static dev.retouch.diffusion.schedule.EulerGoldenTest.schedule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, Alg. 2): a four-step run worked by hand, first-order steps equal to DDIM, the
 * lower-order final step, the history's lifetime, and the convergence order on Gaussian data, whose
 * probability-flow ODE has a closed-form solution.
 */
class DpmSolverGoldenTest {
    private static final NoiseSchedule EPS = schedule(PredictionType.EPSILON, false);
    private static final long[] SHAPE = {2, 3, 4, 4};

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    @Test
    void fourStepsWorkedByHand() {
        // numpy with α = √ᾱ, σ = √(1−ᾱ), λ = log(α/σ): x_s = (σ_s/σ_t)·x_t − α_s·(e^{−h} − 1)·D. Sample x_800 = 0.5,
        // ε outputs 0.4, −0.2, 0.1, 0.05 at 800, 600, 300, 100. Per step: x̂₀ and the next sample.
        double[][] lowerOrderFinal = {{2.5833083314, 0.8079202120}, {6.2874114261, 4.8353809751},
                {7.5792775999, 7.2032821090}, {7.5963905848, 7.5963905848}};
        double[][] secondOrderFinal = {{2.5833083314, 0.8079202120}, {6.2874114261, 4.8353809751},
                {7.5792775999, 7.5581972375}, {7.9715178611, 7.9715178611}};
        assertRun(true, lowerOrderFinal);
        assertRun(false, secondOrderFinal);
    }

    private static void assertRun(boolean lowerOrderFinal, double[][] want) {
        int[] ts = {800, 600, 300, 100};
        double[] eps = {0.4, -0.2, 0.1, 0.05};
        Scheduler s = new DPMSolverMultistepScheduler(EPS, ts, lowerOrderFinal);
        SchedulerState state = s.newState(null);
        Tensor x = Tensors.of(new float[]{0.5f}, 1);
        for (int i = 0; i < ts.length; i++) {
            StepResult r = s.step(Tensors.of(new float[]{(float) eps[i]}, 1), ts[i], x, state);
            String at = "lowerOrderFinal=" + lowerOrderFinal + " t=" + ts[i];
            assertEquals(want[i][0], r.predX0().item_double(), 1e-5, "x̂₀ " + at);
            assertEquals(want[i][1], r.prev().item_double(), 1e-5, "next sample " + at);
            x = r.prev();
        }
    }

    @Test
    void twoStepRunsAreFirstOrderAndEqualDdim() {
        // no history at the first step, and the step to the clean level is first order: DDIM with η = 0
        for (PredictionType p : PredictionType.values()) {
            NoiseSchedule sched = schedule(p, true);
            int[] ts = {700, 250};
            Scheduler dpm = new DPMSolverMultistepScheduler(sched, ts, false);
            Scheduler ddim = new DDIMScheduler(sched, ts, 0.0);
            SchedulerState a = dpm.newState(null);
            SchedulerState b = ddim.newState(null);
            Tensor xa = Tensors.randn(Tensors.generator(1), SHAPE);
            Tensor xb = xa;
            for (int t : ts) {
                xa = dpm.step(fakeModel(xa, t), t, xa, a).prev();
                xb = ddim.step(fakeModel(xb, t), t, xb, b).prev();
                assertTrue(maxAbsDiff(xa, xb) < 1e-5, p + " t=" + t + ": " + maxAbsDiff(xa, xb));
            }
        }
    }

    @Test
    void historyIsPerRunAndFreedAtTheEnd() {
        Scheduler s = DPMSolverMultistepScheduler.of(EPS, 5, false);
        MultistepState state = (MultistepState) s.newState(null);
        Tensor x = Tensors.randn(Tensors.generator(1), SHAPE);
        int[] ts = s.timesteps();
        for (int i = 0; i < ts.length; i++) {
            StepResult r = s.step(fakeModel(x, ts[i]), ts[i], x, state);
            if (i + 1 < ts.length) {
                assertEquals(ts[i], state.prevT());
                assertEquals(0.0, maxAbsDiff(r.predX0(), state.prevX0()), "the kept x̂₀ is this step's");
            }
            x = r.prev();
        }
        assertNull(state.prevX0(), "history released after the last step");
        Tensor y = x;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.step(y, ts[0], y, new SchedulerState(ts, null)));
        assertTrue(e.getMessage().contains("newState"), e.getMessage());
    }

    @Test
    void secondOrderOnGaussianData() {
        // data x₀ ~ N(μ, s²) per element: the exact denoiser is D(x_t) = μ + √ᾱ·s²/(ᾱ·s² + 1 − ᾱ)·(x_t − √ᾱ·μ), and
        // the ODE in x̃ = x/√ᾱ keeps (x̃ − μ)/√(s² + σ²) constant. The runs end with the same first-order step to
        // σ = 0 from t = 0, so the reference applies it to the exact x̃ at σ_0.
        NoiseSchedule x0Model = schedule(PredictionType.SAMPLE, false);
        Tensor xT = Tensors.randn(Tensors.generator(7), 1000);
        double[] dpm = new double[3];
        double[] ddim = new double[3];
        int[] counts = {20, 40, 80};
        for (int k = 0; k < counts.length; k++) {
            int[] ts = Timesteps.karras(x0Model, counts[k]);
            Tensor exact = gaussianEnd(x0Model, xT, ts);
            dpm[k] = maxAbsDiff(exact, runGaussian(new DPMSolverMultistepScheduler(x0Model, ts, true), xT));
            ddim[k] = maxAbsDiff(exact, runGaussian(new DDIMScheduler(x0Model, ts, 0.0), xT));
        }
        String msg = "errors DPM-Solver++ " + Arrays.toString(dpm) + ", DDIM " + Arrays.toString(ddim);
        System.out.println("Gaussian data, Karras 20/40/80 steps: " + msg);
        for (int k = 0; k + 1 < counts.length; k++) {
            assertTrue(dpm[k] / dpm[k + 1] > 3, "second order: doubling the steps quarters the error; " + msg);
            assertTrue(ddim[k] / ddim[k + 1] > 1.6 && ddim[k] / ddim[k + 1] < 2.5, "DDIM is first order; " + msg);
            assertTrue(dpm[k] < ddim[k] / 2, msg);
        }
    }

    private static final double MU = 0.3;
    private static final double S2 = 0.25;

    private static Tensor gaussianDenoiser(NoiseSchedule sched, Tensor x, int t) {
        double a = sched.alphaBar(t);
        double gain = Math.sqrt(a) * S2 / (a * S2 + 1 - a);
        return x.sub(Tensors.s(Math.sqrt(a) * MU)).mul(Tensors.s(gain)).add(Tensors.s(MU));
    }

    private static Tensor runGaussian(Scheduler s, Tensor xT) {
        SchedulerState state = s.newState(null);
        Tensor x = xT;
        for (int t : s.timesteps()) {
            x = s.step(gaussianDenoiser(s.schedule(), x, t), t, x, state).prev();
        }
        return x;
    }

    /** The exact ODE solution from ts[0] to the last listed level, then the shared final step D(x). */
    private static Tensor gaussianEnd(NoiseSchedule sched, Tensor xT, int[] ts) {
        int first = ts[0];
        int last = ts[ts.length - 1];
        Tensor xTilde = xT.div(Tensors.s(Math.sqrt(sched.alphaBar(first))));
        double scale = Math.sqrt((S2 + square(sched.sigma(last))) / (S2 + square(sched.sigma(first))));
        Tensor xTildeLast = xTilde.sub(Tensors.s(MU)).mul(Tensors.s(scale)).add(Tensors.s(MU));
        return gaussianDenoiser(sched, xTildeLast.mul(Tensors.s(Math.sqrt(sched.alphaBar(last)))), last);
    }

    private static double square(double v) {
        return v * v;
    }
}
