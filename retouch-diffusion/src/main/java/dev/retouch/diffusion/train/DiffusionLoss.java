package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The regression loss of the diffusion objectives: plain mean squared error, or Min-SNR-γ weighting (Hang et al.
 * 2023, "Efficient Diffusion Training via Min-SNR Weighting Strategy", Eq. 6 and §3.4): each sample's MSE is
 * weighted so that, written as a loss on x₀, its weight is min(SNR(t), γ), SNR(t) = ᾱ_t/(1−ᾱ_t). Expressed on the
 * network's own target that is min(SNR, γ)/SNR for ε-prediction, min(SNR, γ)/(SNR + 1) for v-prediction and
 * min(SNR, γ) for x₀-prediction. It stops the low-noise timesteps, whose targets are easy, from dominating the
 * gradient (the paper reports 3.4× faster convergence at γ = 5).
 */
public final class DiffusionLoss {
    private DiffusionLoss() {
    }

    /**
     * The loss of {@code prediction} against {@code target} (B, …) at per-sample timesteps t (B); gamma 0 gives
     * the plain MSE, gamma > 0 Min-SNR-γ.
     */
    public static Tensor of(Tensor prediction, Tensor target, int[] t, NoiseSchedule schedule, double gamma) {
        if (gamma == 0) {
            return torch.mse_loss(prediction, target);
        }
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("Min-SNR gamma must be > 0 (or 0 for off), got " + gamma);
        }
        float[] w = weights(t, schedule, gamma);
        Tensor perSample = prediction.sub(target).square().flatten(1, -1).mean(new long[]{1}, false,
                new org.bytedeco.pytorch.ScalarTypeOptional()); // (B)
        return perSample.mul(Tensors.of(w, w.length)).mean();
    }

    /**
     * One draw of the denoising objective for clean samples z₀: t uniform in [0, T) per sample (then ε, in that
     * order, from {@code gen}), ε ~ N(0, I) and z_t = √ᾱ_t·z₀ + √(1−ᾱ_t)·ε.
     *
     * @param timesteps t as a (B) long tensor (for the network)
     * @param t         the same as ints (for the schedule)
     */
    public record Noised(Tensor timesteps, int[] t, Tensor noise, Tensor zt) {
        /** The loss of the network output {@code out} against the schedule's target for this draw. */
        public Tensor loss(Tensor out, Tensor z0, NoiseSchedule schedule, double gamma) {
            return of(out, schedule.target(z0, noise, t), t, schedule, gamma);
        }
    }

    /** Draws t and ε for {@code z0} (B, …) and noises it ({@link Noised}). */
    public static Noised noise(NoiseSchedule schedule, Tensor z0, org.bytedeco.pytorch.Generator gen) {
        int b = (int) z0.size(0);
        Tensor tTensor = torch.randint(schedule.numTrainTimesteps(), new long[]{b},
                new org.bytedeco.pytorch.GeneratorOptional(gen), new org.bytedeco.pytorch.TensorOptions(
                        torch.ScalarType.Long));
        long[] tv = Tensors.toLongs(tTensor);
        int[] t = new int[b];
        for (int i = 0; i < b; i++) {
            t[i] = (int) tv[i];
        }
        Tensor noise = Tensors.randn(gen, Tensors.shape(z0));
        return new Noised(tTensor, t, noise, schedule.addNoise(z0, noise, t));
    }

    /** The Min-SNR-γ weight of each timestep for the schedule's prediction type. */
    static float[] weights(int[] t, NoiseSchedule schedule, double gamma) {
        float[] w = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            double a = schedule.alphaBar(t[i]);
            double snr = a / (1 - a);
            double clipped = Math.min(snr, gamma);
            w[i] = (float) switch (schedule.config().predictionType()) {
                case EPSILON -> clipped / snr;
                case V_PREDICTION -> clipped / (snr + 1);
                case SAMPLE -> clipped;
            };
        }
        return w;
    }
}
