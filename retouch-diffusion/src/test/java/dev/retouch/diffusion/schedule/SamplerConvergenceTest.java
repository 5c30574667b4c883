package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.LoopHooks;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every deterministic sampler against the exact probability-flow ODE. For Gaussian data x₀ ~ N(μ, s²) the noisy
 * marginal is N(α_t·μ, α_t²s² + σ_t²), the exact model output is known in closed form (x̂₀ = μ + α_t·s²·(x − α_t·μ) /
 * (α_t²s² + σ_t²), hence ε̂ and v̂), and the ODE keeps the standardised value (x − α_t·μ)/√(α_t²s² + σ_t²): so the
 * exact end point of every start is known. Over the same interval (t = 960 → 160, then x̂₀ there) with 5, 10, 20,
 * 40 and 80 evenly spaced steps, each sampler's error must fall with the slope of its order: DDIM 1, DPM-Solver++(2M)
 * 2, UniPC at least 2 (its corrector raises the order). Computed in float64.
 */
class SamplerConvergenceTest {
    private static final double MU = 0.3;
    private static final double S = 0.5;
    private static final int[] STEPS = {5, 10, 20, 40, 80};
    /**
     * The last listed timestep. The interval stops short of t = 0: on the linear schedule λ jumps by ≈ 1.8 over the
     * last 24 timesteps, so an even grid in t ends with one step far longer (in λ) than the others, which no step
     * count shrinks fast enough to show an order.
     */
    private static final int END = 160;

    private static int[] even(int n) {
        int[] ts = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            ts[i] = 960 - i * (800 / n);
        }
        return ts;
    }

    private static double alpha(NoiseSchedule s, int t) {
        return Math.sqrt(s.alphaBar(t));
    }

    private static double sigma(NoiseSchedule s, int t) {
        return Math.sqrt(1 - s.alphaBar(t));
    }

    /** The exact model output at (x, t) for the schedule's prediction type. */
    private static Tensor exact(NoiseSchedule s, Tensor x, int t) {
        double a = alpha(s, t);
        double sg = sigma(s, t);
        double var = a * a * S * S + sg * sg;
        Tensor centred = x.sub(Tensors.s(a * MU));
        Tensor x0 = centred.mul(Tensors.s(a * S * S / var)).add(Tensors.s(MU));
        Tensor eps = centred.mul(Tensors.s(sg / var));
        return switch (s.config().predictionType()) {
            case EPSILON -> eps;
            case SAMPLE -> x0;
            case V_PREDICTION -> eps.mul(Tensors.s(a)).sub(x0.mul(Tensors.s(sg)));
        };
    }

    /** RMS error of the sampler's final x̂₀ against x̂₀ at the exact ODE end point (t = {@link #END}). */
    private static double error(NoiseSchedule s, Function<int[], Scheduler> make, int n, Tensor z) {
        try (PointerScope ignored = new PointerScope()) {
            int[] ts = even(n);
            Tensor start = z.mul(Tensors.s(Math.sqrt(Math.pow(alpha(s, 960) * S, 2) + Math.pow(sigma(s, 960), 2))))
                    .add(Tensors.s(alpha(s, 960) * MU));
            Tensor got = DenoiseLoop.run((x, t) -> exact(s, x, t), make.apply(ts), start, null, LoopHooks.NONE);
                Tensor end = z.mul(Tensors.s(Math.sqrt(Math.pow(alpha(s, END) * S, 2) + Math.pow(sigma(s, END), 2))))
                    .add(Tensors.s(alpha(s, END) * MU));
            Tensor want = s.predictX0(exact(s, end, END), end, END);
            return Math.sqrt(got.sub(want).pow(Tensors.s(2)).mean().item_double());
        }
    }

    @Test
    void eachSamplerConvergesWithTheSlopeOfItsOrder() {
        Map<String, Function<NoiseSchedule, Function<int[], Scheduler>>> samplers = new LinkedHashMap<>();
        samplers.put("DDIM", s -> ts -> new DDIMScheduler(s, ts, 0.0));
        samplers.put("DPM-Solver++(2M)", s -> ts -> new DPMSolverMultistepScheduler(s, ts, false));
        samplers.put("UniPC", s -> ts -> new UniPCMultistepScheduler(s, ts, false));
        Map<String, Double> order = Map.of("DDIM", 1.0, "DPM-Solver++(2M)", 2.0, "UniPC", 2.0);
        try (PointerScope ignored = new PointerScope()) {
            Tensor z = Tensors.randn(Tensors.generator(0), 4096).to(torch.ScalarType.Double);
            for (PredictionType p : PredictionType.values()) {
                NoiseSchedule s = new NoiseSchedule(new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR, p,
                        false, 1.0));
                Map<String, double[]> errors = new LinkedHashMap<>();
                for (var e : samplers.entrySet()) {
                    double[] err = new double[STEPS.length];
                    for (int k = 0; k < STEPS.length; k++) {
                        err[k] = error(s, e.getValue().apply(s), STEPS[k], z);
                    }
                    errors.put(e.getKey(), err);
                    // the slope over the last doubling, 40 → 80 steps (the asymptotic regime)
                    double slope = Math.log(err[3] / err[4]) / Math.log(2);
                    System.out.printf("%s %s: errors %s, slope %.2f%n", p, e.getKey(), java.util.Arrays.toString(err),
                            slope);
                    double want = order.get(e.getKey());
                    assertTrue(slope >= want - 0.3, p + " " + e.getKey() + ": slope " + slope + " < order " + want
                            + " (errors " + java.util.Arrays.toString(err) + ")");
                    if (want == 1.0) {
                        assertTrue(slope < 1.5, p + " " + e.getKey() + ": slope " + slope + " is not first order");
                    }
                    for (int k = 1; k < STEPS.length; k++) {
                        assertTrue(err[k] < err[k - 1], e.getKey() + ": the error must fall with more steps");
                    }
                }
                // at 40 steps the corrector makes UniPC at least as exact as DPM-Solver++(2M), its predictor alone
                assertTrue(errors.get("UniPC")[3] <= errors.get("DPM-Solver++(2M)")[3], p + ": UniPC "
                        + errors.get("UniPC")[3] + " vs DPM-Solver++(2M) " + errors.get("DPM-Solver++(2M)")[3]);
            }
        }
    }
}
