package dev.retouch.diffusion.vae;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The encoder's posterior q(z|x) = N(mean, diag(exp(logvar))), from the encoder's (B, 2L, h, w) moments split
 * along channels (log-variance clamped to [−30, 20] as in diffusers).
 */
public final class DiagonalGaussian {
    private final Tensor mean;   // (B, L, h, w)
    private final Tensor logvar; // (B, L, h, w)

    public DiagonalGaussian(Tensor moments) {
        long l = moments.size(1) / 2;
        this.mean = moments.narrow(1, 0, l);
        this.logvar = torch.clamp(moments.narrow(1, l, l), new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-30)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(20)));
    }

    public Tensor mean() {
        return mean;
    }

    public Tensor logvar() {
        return logvar;
    }

    /** The posterior's mode (= mean): what deterministic encoding uses. */
    public Tensor mode() {
        return mean;
    }

    /** z = mean + std · ε with ε from {@code gen}. */
    public Tensor sample(Generator gen) {
        Tensor std = logvar.mul(Tensors.s(0.5)).exp();
        return mean.add(std.mul(Tensors.randnLike(gen, mean)));
    }

    /** KL(q ‖ N(0, I)) per sample, summed over latent elements: ½ Σ (μ² + σ² − 1 − log σ²). Shape (B). */
    public Tensor kl() {
        Tensor per = mean.pow(Tensors.s(2)).add(logvar.exp()).sub(Tensors.s(1)).sub(logvar).mul(Tensors.s(0.5));
        return per.flatten(1, -1).sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    }
}
