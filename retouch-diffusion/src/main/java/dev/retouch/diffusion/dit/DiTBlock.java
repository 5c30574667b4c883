package dev.retouch.diffusion.dit;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A DiT block with adaLN-Zero time conditioning (Peebles &amp; Xie 2023, §3.2) and a cross-attention layer on a
 * context (as PixArt-α adds to DiT):
 * <pre>
 *   (β₁, γ₁, α₁, β₂, γ₂, α₂) = modulation(SiLU(c))                      c: (B, width), the time embedding
 *   h = x + α₁ ⊙ attn1(LN₁(x) ⊙ (1 + γ₁) + β₁)                          self-attention
 *   h = h + attn2(LN₂(h), context)                                       cross-attention
 *   y = h + α₂ ⊙ mlp(LN₃(h) ⊙ (1 + γ₂) + β₂)
 * </pre>
 * LN₁ and LN₃ have no affine weights (the modulation replaces them); the modulation starts at zero, so the block
 * starts as the identity on its residual path except for the cross-attention. The MLP is Linear → GELU(tanh) →
 * Linear.
 */
final class DiTBlock extends Module {
    private final long width;
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final Linear fc1;
    private final Linear fc2;
    private final Linear modulation;

    public DiTBlock(int width, int heads, int contextDim, int mlpRatio) {
        this.width = width;
        int headDim = width / heads;
        this.norm1 = child("norm1", new LayerNorm(width, 1e-6, false));
        this.attn1 = child("attn1", new Attention(width, 0, heads, headDim, true, 0, false, 1.0));
        this.norm2 = contextDim > 0 ? child("norm2", new LayerNorm(width, 1e-6, true)) : null;
        this.attn2 = contextDim > 0
                ? child("attn2", new Attention(width, contextDim, heads, headDim, true, 0, false, 1.0)) : null;
        this.norm3 = child("norm3", new LayerNorm(width, 1e-6, false));
        this.fc1 = child("fc1", new Linear(width, (long) mlpRatio * width));
        this.fc2 = child("fc2", new Linear((long) mlpRatio * width, width));
        this.modulation = child("modulation", new Linear(width, 6L * width));
    }

    @Override
    protected void finishInitialization() {
        zeroParameters(modulation); // adaLN-Zero
    }

    /** x (B, N, width), c (B, width), context (B, M, contextDim) or null → (B, N, width). */
    public Tensor forward(Tensor x, Tensor c, Tensor context) {
        TensorVector m = modulation.forward(torch.silu(c)).unsqueeze(1).chunk(6, 2); // 6 × (B, 1, width)
        Tensor h = x.add(m.get(2).mul(attn1.forward(modulate(norm1.forward(x), m.get(0), m.get(1)), null)));
        if (attn2 != null && context != null) {
            h = h.add(attn2.forward(norm2.forward(h), context));
        }
        Tensor mlp = fc2.forward(torch.gelu(fc1.forward(modulate(norm3.forward(h), m.get(3), m.get(4))), "tanh"));
        return h.add(m.get(5).mul(mlp));
    }

    /** x ⊙ (1 + scale) + shift. */
    static Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
        return x.mul(scale.add(Tensors.s(1))).add(shift);
    }

    /** Multiply-accumulates for N tokens and M context tokens of width contextDim. */
    long macs(long tokens, long contextTokens, long contextDim) {
        long self = 4 * tokens * width * width + 2 * tokens * tokens * width;
        long cross = attn2 == null ? 0 : 2 * tokens * width * width + 2 * contextTokens * contextDim * width
                + 2 * tokens * contextTokens * width;
        long mlp = 2 * tokens * fc1.inFeatures * fc1.outFeatures;
        return self + cross + mlp + modulation.inFeatures * modulation.outFeatures;
    }
}
