package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** β and ᾱ against closed forms computed here, q_sample elementwise, and the prediction-type conversions. */
class NoiseScheduleGoldenTest {
    private static final int[] PROBES = {0, 1, 500, 999};

    private static NoiseSchedule schedule(BetaSchedule b, double start, double end, PredictionType p) {
        return new NoiseSchedule(new NoiseScheduleConfig(1000, start, end, b, p, false, 1.0));
    }

    @Test
    void linearBetas() {
        NoiseSchedule s = schedule(BetaSchedule.LINEAR, 1e-4, 0.02, PredictionType.EPSILON);
        for (int t : PROBES) {
            assertEquals(1e-4 + (0.02 - 1e-4) * t / 999.0, s.beta(t), 1e-15, "t=" + t);
        }
        assertEquals(1e-4, s.beta(0), 1e-18);
        assertEquals(0.02, s.beta(999), 1e-15);
        assertEquals(0.01005995996, s.beta(500), 1e-12);
    }

    @Test
    void scaledLinearBetas() {
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.stableDiffusion());
        double a = Math.sqrt(0.00085);
        double b = Math.sqrt(0.012);
        for (int t : PROBES) {
            double r = a + (b - a) * t / 999.0;
            assertEquals(r * r, s.beta(t), 1e-15, "t=" + t);
        }
        assertEquals(0.00085, s.beta(0), 1e-15);
        assertEquals(0.012, s.beta(999), 1e-15);
    }

    @Test
    void cosineBetas() {
        NoiseSchedule s = schedule(BetaSchedule.COSINE, 1e-4, 0.02, PredictionType.EPSILON);
        for (int t : PROBES) {
            double f0 = Math.pow(Math.cos((t / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            double f1 = Math.pow(Math.cos(((t + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            assertEquals(Math.min(1 - f1 / f0, 0.999), s.beta(t), 1e-12, "t=" + t);
        }
        assertEquals(0.999, s.beta(999), 0.0, "the last β is clipped at 0.999");
        // ᾱ_t telescopes to f(t+1)/f(0) while no β is clipped
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        double f501 = Math.pow(Math.cos((501 / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
        assertEquals(f501 / f0, s.alphaBar(500), 1e-12);
    }

    @Test
    void alphaBarOfTheDdpmLinearSchedule() {
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        double acc = 1;
        for (int t = 0; t < 1000; t++) {
            acc *= 1 - (1e-4 + (0.02 - 1e-4) * t / 999.0);
            assertEquals(acc, s.alphaBar(t), acc * 1e-12, "t=" + t);
        }
        assertEquals(4.036e-5, s.alphaBar(999), 0.0005e-5, "ᾱ_999 of DDPM's linear schedule");
        assertEquals(1.0, s.alphaBar(-1), 0.0, "the clean level");
        assertEquals(1 - 1e-4, s.alphaBar(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> s.alphaBar(1000));
        assertThrows(IllegalArgumentException.class, () -> s.alphaBar(-2));
    }

    @Test
    void sigmaAndLambdaOfTheDdpmLinearSchedule() {
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        // reference values from numpy (cumprod of 1 − linspace(1e-4, 0.02, 1000))
        assertEquals(3.4429671125, s.sigma(500), 1e-9);
        assertEquals(0.7235912594, s.sigma(200), 1e-9);
        assertEquals(Math.sqrt(1e-4 / (1 - 1e-4)), s.sigma(0), 1e-15);
        assertEquals(0.0, s.sigma(-1), 0.0, "the clean level");
        assertEquals(Double.POSITIVE_INFINITY, s.lambda(-1));
        for (int t : PROBES) {
            double a = s.alphaBar(t);
            assertEquals(Math.sqrt((1 - a) / a), s.sigma(t), 1e-12 * s.sigma(t), "σ t=" + t);
            assertEquals(0.5 * Math.log(a / (1 - a)), s.lambda(t), 1e-12, "λ = log(α/σ) t=" + t);
        }
        for (int t = 1; t < 1000; t++) {
            assertTrue(s.sigma(t) > s.sigma(t - 1), "σ increases at t=" + t);
        }
    }

    @Test
    void addNoiseIsTheClosedFormElementwise() {
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        Tensor x0 = Tensors.randn(Tensors.generator(1), 2, 3, 4, 4);
        Tensor eps = Tensors.randn(Tensors.generator(2), 2, 3, 4, 4);
        float[] x = Tensors.toFloats(x0);
        float[] e = Tensors.toFloats(eps);
        for (int t : PROBES) {
            float[] xt = Tensors.toFloats(s.addNoise(x0, eps, t));
            double a = s.alphaBar(t);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Math.sqrt(a) * x[i] + Math.sqrt(1 - a) * e[i], xt[i], 1e-6, "t=" + t + " i=" + i);
            }
        }
        // one timestep per sample
        int[] ts = {10, 700};
        float[] xt = Tensors.toFloats(s.addNoise(x0, eps, ts));
        int per = x.length / 2;
        for (int i = 0; i < x.length; i++) {
            double a = s.alphaBar(ts[i / per]);
            assertEquals(Math.sqrt(a) * x[i] + Math.sqrt(1 - a) * e[i], xt[i], 1e-6, "i=" + i);
        }
    }

    @Test
    void predictionTypeConversionsRoundTrip() {
        Tensor x0 = Tensors.randn(Tensors.generator(3), 1, 3, 4, 4);
        Tensor eps = Tensors.randn(Tensors.generator(4), 1, 3, 4, 4);
        float[] x = Tensors.toFloats(x0);
        float[] e = Tensors.toFloats(eps);
        for (PredictionType p : PredictionType.values()) {
            NoiseSchedule s = schedule(BetaSchedule.LINEAR, 1e-4, 0.02, p);
            for (int t : new int[]{0, 250, 500, 900}) {
                double a = s.alphaBar(t);
                Tensor xt = s.addNoise(x0, eps, t);
                float[] v = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    v[i] = (float) (Math.sqrt(a) * e[i] - Math.sqrt(1 - a) * x[i]); // Salimans & Ho
                }
                Tensor out = switch (p) {
                    case EPSILON -> eps;
                    case SAMPLE -> x0;
                    case V_PREDICTION -> Tensors.of(v, 1, 3, 4, 4);
                };
                float[] target = Tensors.toFloats(s.target(x0, eps, new int[]{t}));
                float[] x0Back = Tensors.toFloats(s.predictX0(out, xt, t));
                float[] epsBack = Tensors.toFloats(s.predictEps(out, xt, t));
                float[] epsFromX0 = Tensors.toFloats(s.epsFromX0(x0, xt, t));
                double tolX = 1e-5 / Math.sqrt(a);
                double tolE = 1e-5 / Math.sqrt(1 - a);
                for (int i = 0; i < x.length; i++) {
                    float want = switch (p) {
                        case EPSILON -> e[i];
                        case SAMPLE -> x[i];
                        case V_PREDICTION -> v[i];
                    };
                    assertEquals(want, target[i], 1e-6, p + " target t=" + t);
                    assertEquals(x[i], x0Back[i], tolX, p + " x0 t=" + t);
                    assertEquals(e[i], epsBack[i], tolE, p + " eps t=" + t);
                    assertEquals(e[i], epsFromX0[i], tolE, "epsFromX0 t=" + t);
                }
            }
        }
    }

    @Test
    void clippingFollowsTheConfig() {
        Tensor x = Tensors.of(new float[]{-3, -0.5f, 0.5f, 2}, 4);
        NoiseSchedule clipped = new NoiseSchedule(new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR,
                PredictionType.EPSILON, true, 1.5));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[]{-1.5f, -0.5f, 0.5f, 1.5f},
                Tensors.toFloats(clipped.maybeClip(x)));
        NoiseSchedule open = new NoiseSchedule(NoiseScheduleConfig.stableDiffusion());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Tensors.toFloats(x), Tensors.toFloats(open.maybeClip(x)));
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1, 1e-4, 0.02,
                BetaSchedule.LINEAR, PredictionType.EPSILON, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1000, 0.0, 0.02,
                BetaSchedule.LINEAR, PredictionType.EPSILON, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1000, 0.03, 0.02,
                BetaSchedule.LINEAR, PredictionType.EPSILON, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1000, 1e-4, 1.0,
                BetaSchedule.LINEAR, PredictionType.EPSILON, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1000, 1e-4, 0.02,
                null, PredictionType.EPSILON, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new NoiseScheduleConfig(1000, 1e-4, 0.02,
                BetaSchedule.LINEAR, PredictionType.EPSILON, true, 0));
        assertTrue(NoiseScheduleConfig.ddpmLinear().clipSample());
    }
}
