package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.Denoiser;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

/**
 * Model-based classifier-free guidance (SINE, Eq. 3, with the unconditional branch written out as in the official
 * code): with ε_u = ε_θ(z_t, ∅) and ε_c = ε_θ(z_t, c) from the pretrained model and ε̂ = ε̂_θ(z_t, ĉ, F) from the
 * fine-tuned one,
 * <pre>
 *   t &gt; K:  ε̃ = ε_u + w·( v·ε_c + (1 − v)·ε̂ − ε_u )      (Eq. 3)
 *   t ≤ K:  ε̃ = ε_u + w·( ε_c − ε_u )                      (Eq. 2, pretrained model only)
 * </pre>
 * v = 1 is the pretrained model's classifier-free guidance everywhere; v = 0 replaces its conditional branch by the
 * fine-tuned model's while t &gt; K. K = T never uses the fine-tuned model. The two pretrained branches run as one
 * batch; ε̂ is skipped when it has weight 0.
 */
final class ModelGuidedDenoiser implements Denoiser {
    private final UNet2DConditionModel pretrained;
    private final UNet2DConditionModel fineTuned;
    private final Tensor preContext; // (2B, M, D): ∅ then c
    private final Tensor tunedContext; // (B, M, D): ĉ
    private final Tensor positional; // (1, D0, h, w) or null
    private final double w;
    private final double v;
    private final int k;

    /**
     * @param unconditional (B, M, D) states of the empty prompt (pretrained model)
     * @param edit          (B, M, D) states of the edit prompt c (pretrained model)
     * @param tuned         (B, M, D) states of ĉ (fine-tuned model)
     * @param positional    the fine-tuned model's positional embedding at the sample's latent size, or null
     */
    public ModelGuidedDenoiser(UNet2DConditionModel pretrained, UNet2DConditionModel fineTuned, Tensor unconditional,
                               Tensor edit, Tensor tuned, Tensor positional, double w, double v, int k) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("v must be in [0, 1], got " + v);
        }
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("guidance scale must be a finite number >= 0, got " + w);
        }
        if (k < 0) {
            throw new IllegalArgumentException("K must be >= 0, got " + k);
        }
        this.pretrained = pretrained;
        this.fineTuned = fineTuned;
        // a per-run object: its tensors belong to the scope the run is in (no extra references)
        this.preContext = Tensors.cat(0, unconditional, edit);
        this.tunedContext = tuned;
        this.positional = positional;
        this.w = w;
        this.v = v;
        this.k = k;
    }

    /** Whether the fine-tuned model takes part at timestep t. */
    public boolean usesFineTuned(int t) {
        return t > k && v < 1;
    }

    @Override
    public Tensor predict(Tensor x, int t) {
        long b = x.size(0);
        Tensor pre = pretrained.forward(x.repeat(2, 1, 1, 1), PixelPipelines.timestepTensor(t, 2 * b), preContext);
        Tensor epsU = pre.narrow(0, 0, b);
        Tensor epsC = pre.narrow(0, b, b);
        Tensor mixed = epsC;
        if (usesFineTuned(t)) {
            Tensor epsHat = fineTuned.forward(x, PixelPipelines.timestepTensor(t, b), tunedContext, positional);
            mixed = epsC.mul(Tensors.s(v)).add(epsHat.mul(Tensors.s(1 - v)));
        }
        return epsU.add(mixed.sub(epsU).mul(Tensors.s(w))); // (B, C, h, w)
    }
}
