package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code BasicTransformerBlock} as used by Stable Diffusion (Rombach et al. 2022, §3.3): pre-norm
 * self-attention, cross-attention on the context, and a GEGLU feed-forward, each with a residual:
 * <pre>
 *   h = x + attn1(norm1(x))
 *   h = h + attn2(norm2(h), context)
 *   y = h + ff(norm3(h))
 * </pre>
 * LayerNorms have eps 1e-5 and affine weights; q/k/v projections have no bias, {@code to_out.0} has one.
 */
final class BasicTransformerBlock extends Module {
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;
    private final long dim;
    private final long inner;
    private final long contextDim;

    /**
     * @param dim        token width (heads × headDim in Stable Diffusion)
     * @param contextDim width of the context tokens that {@code attn2} attends to
     */
    public BasicTransformerBlock(int dim, int heads, int headDim, int contextDim) {
        this.dim = dim;
        this.inner = (long) heads * headDim;
        this.contextDim = contextDim;
        this.norm1 = child("norm1", new LayerNorm(dim));
        this.attn1 = child("attn1", new Attention(dim, 0, heads, headDim, false, 0, false, 1.0));
        this.norm2 = child("norm2", new LayerNorm(dim));
        this.attn2 = child("attn2", new Attention(dim, contextDim, heads, headDim, false, 0, false, 1.0));
        this.norm3 = child("norm3", new LayerNorm(dim));
        this.ff = child("ff", new FeedForward(dim, 4 * dim));
    }

    /** x (B, N, dim), context (B, M, contextDim) → (B, N, dim). */
    public Tensor forward(Tensor x, Tensor context) {
        Tensor h = x.add(attn1.forward(norm1.forward(x), null));
        h = h.add(attn2.forward(norm2.forward(h), context));
        return h.add(ff.forward(norm3.forward(h)));
    }

    /** Multiply-accumulates for N query tokens and M context tokens (projections and attention products). */
    long macs(long tokens, long contextTokens) {
        long self = 4 * tokens * dim * inner + 2 * tokens * tokens * inner;
        long cross = 2 * tokens * dim * inner + 2 * contextTokens * contextDim * inner
                + 2 * tokens * contextTokens * inner;
        return self + cross + ff.macs(tokens);
    }
}
