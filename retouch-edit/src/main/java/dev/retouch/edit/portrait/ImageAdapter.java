package dev.retouch.edit.portrait;

import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The image-embedding adapter of paper 003 (§3.3: c_im = MLP([E(x_A), CLIP_im(x_A)])): the source latent is
 * max-pooled 2×2 and each of its channels flattened into one token ({@code latent_proj}: pooled h·w → width), the
 * tokens are appended to the CLIP image encoder's token states (class token and patches, width D), and a linear map
 * across the token axis ({@code token_mix}: K + C → K, initialised to pass the CLIP tokens through and ignore the
 * latent tokens) gives K image tokens of the text width, to be appended to the text tokens of the cross-attention.
 */
public final class ImageAdapter extends Module {
    private final int latentChannels;
    private final int clipTokens;
    private final Linear latentProj;
    private final Linear tokenMix;

    /**
     * @param latentChannels C of the source latent
     * @param latentSize     h = w of the source latent (even)
     * @param clipTokens     K, the CLIP vision tokens (1 + patches)
     * @param width          D, the text (and CLIP vision) width
     */
    public ImageAdapter(int latentChannels, int latentSize, int clipTokens, int width) {
        if (latentSize % 2 != 0) {
            throw new IllegalArgumentException("the adapter pools 2x2: the latent size must be even, got " + latentSize);
        }
        this.latentChannels = latentChannels;
        this.clipTokens = clipTokens;
        int pooled = (latentSize / 2) * (latentSize / 2);
        this.latentProj = child("latent_proj", new Linear(pooled, width));
        this.tokenMix = child("token_mix", new Linear(clipTokens + latentChannels, clipTokens));
    }

    /** The number of image tokens it produces. */
    public int tokens() {
        return clipTokens;
    }

    @Override
    protected void resetParameters(Generator gen) {
    }

    /** Default initialisation, then {@code token_mix} set to the identity on the CLIP tokens (zero bias). */
    public ImageAdapter initializeAsPassThrough(Generator gen) {
        initialize(gen);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor w = tokenMix.weight();
            w.zero_();
            w.narrow(1, 0, clipTokens).copy_(torch.eye(clipTokens));
            tokenMix.namedParameters().get("bias").zero_();
        }
        return this;
    }

    /**
     * latent (B, C, h, w), clip tokens (B, K, D) → image tokens (B, K, D), on the latent's device and in its type
     * whatever device and precision the weights are placed in.
     */
    public Tensor forward(Tensor latent, Tensor clipStates) {
        Tensor input = latent;
        Tensor w = tokenMix.weight();
        latent = Tensors.placedLike(w, latent);
        clipStates = Tensors.placedLike(w, clipStates);
        long b = latent.size(0);
        Tensor pooled = torch.max_pool2d(latent, new long[]{2, 2}).reshape(b, latentChannels, -1); // (B, C, hw/4)
        Tensor latentTokens = latentProj.forward(pooled);                                      // (B, C, D)
        Tensor all = Tensors.cat(1, clipStates, latentTokens);                                  // (B, K + C, D)
        return Tensors.placedLike(input, tokenMix.forward(all.transpose(1, 2)).transpose(1, 2)); // (B, K, D)
    }
}
