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
 * DDIM and DDPM updates against their closed forms: the η = 0 step with the true ε lands exactly on q(x_s | x₀),
 * the DDPM posterior (Ho et al. Eq. 7, and its respaced form re-derived by Gaussian conditioning), the two fixed
 * variances, the noise draw of stochastic steps, and DDIM inversion → sampling with an oracle.
 */
class DdimGoldenTest {
    private static final NoiseSchedule SCHED = new NoiseSchedule(new NoiseScheduleConfig(1000, 1e-4, 0.02,
            BetaSchedule.LINEAR, PredictionType.EPSILON, false, 1.0));
    private static final long[] SHAPE = {2, 3, 4, 4};

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void ddimEtaZeroStepWithTheTrueEpsLandsOnQSample() {
        int[] ts = {700, 450, 3};
        DDIMScheduler ddim = new DDIMScheduler(SCHED, ts, 0.0);
        Tensor x0 = Tensors.randn(Tensors.generator(1), SHAPE);
        Tensor eps = Tensors.randn(Tensors.generator(2), SHAPE);
        SchedulerState state = ddim.newState(null);
        for (int i = 0; i < ts.length; i++) {
            int s = i + 1 < ts.length ? ts[i + 1] : -1;
            Tensor xt = SCHED.addNoise(x0, eps, ts[i]);
            Tensor prev = ddim.step(eps, ts[i], xt, state).prev();
            // x_s = √ᾱ_s·x₀ + √(1−ᾱ_s)·ε (Song et al. Eq. 12 with σ = 0); after the last step ᾱ = 1, x = x₀
            Tensor expected = s < 0 ? x0 : SCHED.addNoise(x0, eps, s);
            double d = maxAbsDiff(Tensors.toFloats(expected), Tensors.toFloats(prev));
            assertTrue(d < 1e-5, ts[i] + " → " + s + ": " + d);
        }
    }

    @Test
    void ddpmPosteriorMeanFollowsHoEquation7() {
        DDPMScheduler ddpm = DDPMScheduler.full(SCHED, VarianceType.FIXED_SMALL);
        Tensor one = torch.ones(1);
        Tensor zero = torch.zeros(1);
        for (int t : new int[]{1, 10, 500, 999}) {
            double cX0 = ddpm.posteriorMean(one, zero, t, t - 1).item_double();
            double cXt = ddpm.posteriorMean(zero, one, t, t - 1).item_double();
            // Eq. 7: μ̃ = √ᾱ_{t−1}·β_t/(1−ᾱ_t)·x₀ + √α_t·(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t, α_t = 1 − β_t
            double beta = SCHED.beta(t);
            double abT = SCHED.alphaBar(t);
            double abP = SCHED.alphaBar(t - 1);
            assertEquals(Math.sqrt(abP) * beta / (1 - abT), cX0, 1e-6, "x0 coefficient t=" + t);
            assertEquals(Math.sqrt(1 - beta) * (1 - abP) / (1 - abT), cXt, 1e-6, "xt coefficient t=" + t);
            // β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t and σ² = β_t
            assertEquals((1 - abP) / (1 - abT) * beta, ddpm.variance(t, t - 1), 1e-15, "β̃ t=" + t);
            assertEquals(beta, new DDPMScheduler(SCHED, new int[]{t}, VarianceType.FIXED_LARGE).variance(t, t - 1),
                    1e-15, "β t=" + t);
        }
    }

    @Test
    void respacedPosteriorMatchesGaussianConditioning() {
        // q(x_s | x_t, x₀) for s < t derived independently: x_s = √ᾱ_s·x₀ + √(1−ᾱ_s)·n,
        // x_t = √(ᾱ_t/ᾱ_s)·x_s + √(1−ᾱ_t/ᾱ_s)·n'. Cov(x_s, x_t | x₀) = √(ᾱ_t/ᾱ_s)·(1−ᾱ_s), Var(x_t | x₀) = 1−ᾱ_t.
        int t = 600;
        int s = 400;
        DDPMScheduler small = new DDPMScheduler(SCHED, new int[]{t, s}, VarianceType.FIXED_SMALL);
        DDPMScheduler large = new DDPMScheduler(SCHED, new int[]{t, s}, VarianceType.FIXED_LARGE);
        double aT = SCHED.alphaBar(t);
        double aS = SCHED.alphaBar(s);
        double cov = Math.sqrt(aT / aS) * (1 - aS);
        double gain = cov / (1 - aT);
        double wantXt = gain;
        double wantX0 = Math.sqrt(aS) - gain * Math.sqrt(aT);
        double wantVar = (1 - aS) - cov * gain;
        Tensor one = torch.ones(1);
        Tensor zero = torch.zeros(1);
        assertEquals(wantX0, small.posteriorMean(one, zero, t, s).item_double(), 1e-6);
        assertEquals(wantXt, small.posteriorMean(zero, one, t, s).item_double(), 1e-6);
        assertEquals(wantVar, small.variance(t, s), 1e-12, "FIXED_SMALL = β̃_{t|s}");
        assertEquals(1 - aT / aS, large.variance(t, s), 1e-15, "FIXED_LARGE = β_{t|s}");
        assertTrue(large.variance(t, s) > small.variance(t, s));
    }

    @Test
    void ddpmStepIsMeanPlusSigmaTimesTheRunsNoise() {
        int[] ts = {600, 400, 200};
        Tensor x0 = Tensors.rand(Tensors.generator(3), SHAPE).mul(Tensors.s(1.6)).sub(Tensors.s(0.8));
        Tensor eps = Tensors.randn(Tensors.generator(4), SHAPE);
        Tensor xt = SCHED.addNoise(x0, eps, 600);
        for (VarianceType vt : VarianceType.values()) {
            DDPMScheduler ddpm = new DDPMScheduler(SCHED, ts, vt);
            Tensor prev = ddpm.step(eps, 600, xt, ddpm.newState(Tensors.generator(9))).prev();
            Tensor z = Tensors.randn(Tensors.generator(9), SHAPE);
            Tensor want = ddpm.posteriorMean(x0, xt, 600, 400).add(z.mul(Tensors.s(Math.sqrt(ddpm.variance(600, 400)))));
            double d = maxAbsDiff(Tensors.toFloats(want), Tensors.toFloats(prev));
            assertTrue(d < 1e-5, vt + ": " + d);
        }
        // the last step adds no noise and, from the true ε, returns x₀ (ᾱ_{−1} = 1)
        DDPMScheduler one = new DDPMScheduler(SCHED, new int[]{200}, VarianceType.FIXED_SMALL);
        Tensor last = one.step(eps, 200, SCHED.addNoise(x0, eps, 200), one.newState(Tensors.generator(1))).prev();
        assertTrue(maxAbsDiff(Tensors.toFloats(x0), Tensors.toFloats(last)) < 1e-5);
    }

    @Test
    void ddimEtaOneUsesSongEquation16Sigma() {
        int t = 600;
        int s = 300;
        DDIMScheduler ddim = new DDIMScheduler(SCHED, new int[]{t, s}, 1.0);
        Tensor x0 = Tensors.randn(Tensors.generator(5), SHAPE);
        Tensor eps = Tensors.randn(Tensors.generator(6), SHAPE);
        Tensor xt = SCHED.addNoise(x0, eps, t);
        Tensor prev = ddim.step(eps, t, xt, ddim.newState(Tensors.generator(9))).prev();
        double aT = SCHED.alphaBar(t);
        double aS = SCHED.alphaBar(s);
        double sigma2 = (1 - aS) / (1 - aT) * (1 - aT / aS);
        // with η = 1 the DDIM variance is DDPM's posterior variance β̃_{t|s}
        assertEquals(new DDPMScheduler(SCHED, new int[]{t, s}, VarianceType.FIXED_SMALL).variance(t, s), sigma2, 1e-15);
        float[] z = Tensors.toFloats(Tensors.randn(Tensors.generator(9), SHAPE));
        float[] x = Tensors.toFloats(x0);
        float[] e = Tensors.toFloats(eps);
        float[] p = Tensors.toFloats(prev);
        for (int i = 0; i < p.length; i++) {
            double want = Math.sqrt(aS) * x[i] + Math.sqrt(1 - aS - sigma2) * e[i] + Math.sqrt(sigma2) * z[i];
            assertEquals(want, p[i], 1e-5, "element " + i);
        }
    }

    @Test
    void ddimInversionThenSamplingReconstructsX0WithAnOracle() {
        int[] ts = Timesteps.spaced(50, 1000, TimestepSpacing.LEADING);
        Tensor x0 = Tensors.rand(Tensors.generator(7), SHAPE).mul(Tensors.s(2)).sub(Tensors.s(1));
        Tensor eps = Tensors.randn(Tensors.generator(8), SHAPE);
        DDIMInverseScheduler inverse = new DDIMInverseScheduler(SCHED, ts);
        SchedulerState is = inverse.newState(null);
        Tensor x = x0;
        for (int t : inverse.timesteps()) {
            x = inverse.step(eps, t, x, is).prev(); // the oracle returns the true ε whatever it is shown
        }
        // the latent is q_sample(x₀, ε, 980) in closed form
        assertTrue(maxAbsDiff(Tensors.toFloats(SCHED.addNoise(x0, eps, ts[0])), Tensors.toFloats(x)) < 1e-4);
        DDIMScheduler ddim = new DDIMScheduler(SCHED, ts, 0.0);
        SchedulerState ss = ddim.newState(null);
        for (int t : ddim.timesteps()) {
            x = ddim.step(eps, t, x, ss).prev();
        }
        double d = maxAbsDiff(Tensors.toFloats(x0), Tensors.toFloats(x));
        assertTrue(d < 1e-4, "reconstruction error " + d);
        assertArrayEquals(Timesteps.reversed(ts), inverse.timesteps());
    }

    @Test
    void aVPredictionModelInvertsAndReconstructsLikeAnEpsilonOne() {
        NoiseSchedule v = new NoiseSchedule(SCHED.config().withPrediction(PredictionType.V_PREDICTION));
        int[] ts = Timesteps.spaced(50, 1000, TimestepSpacing.LEADING);
        Tensor x0 = Tensors.rand(Tensors.generator(7), SHAPE).mul(Tensors.s(2)).sub(Tensors.s(1));
        Tensor eps = Tensors.randn(Tensors.generator(8), SHAPE);
        // the oracle answers the v whose ε reading at the sample shown is the true ε: v = (ε − √(1−ᾱ)·x)/√ᾱ
        java.util.function.BiFunction<Tensor, Integer, Tensor> oracle = (x, t) -> eps.sub(x.mul(Tensors.s(
                Math.sqrt(1 - v.alphaBar(t))))).div(Tensors.s(Math.sqrt(v.alphaBar(t))));
        DDIMInverseScheduler inverse = new DDIMInverseScheduler(v, ts);
        SchedulerState is = inverse.newState(null);
        Tensor x = x0;
        for (int t : inverse.timesteps()) {
            x = inverse.step(oracle.apply(x, t), t, x, is).prev();
        }
        assertTrue(maxAbsDiff(Tensors.toFloats(v.addNoise(x0, eps, ts[0])), Tensors.toFloats(x)) < 1e-4);
        DDIMScheduler ddim = new DDIMScheduler(v, ts, 0.0);
        SchedulerState ss = ddim.newState(null);
        for (int t : ddim.timesteps()) {
            x = ddim.step(oracle.apply(x, t), t, x, ss).prev();
        }
        double d = maxAbsDiff(Tensors.toFloats(x0), Tensors.toFloats(x));
        assertTrue(d < 1e-3, "reconstruction error " + d);
        NoiseSchedule x0Model = new NoiseSchedule(SCHED.config().withPrediction(PredictionType.SAMPLE));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DDIMInverseScheduler(x0Model, ts));
    }
}
