package dev.retouch.core.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head attention over {@code scaled_dot_product_attention}, named like diffusers' {@code Attention}:
 * {@code to_q}, {@code to_k}, {@code to_v}, {@code to_out.0} and an optional {@code group_norm}. Self-attention
 * when no context is given, cross-attention otherwise. Accepts tokens (B, N, C) or feature maps (B, C, H, W).
 */
public final class Attention extends Module {
    public final int heads;
    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final boolean residual;
    private final double rescale;

    /**
     * @param queryDim   channels of the queries (and of the output)
     * @param contextDim channels of the context for cross-attention, or 0 for self-attention
     * @param normGroups groups of the input GroupNorm, or 0 for none
     * @param residual   add the input to the output (diffusers' {@code residual_connection})
     */
    public Attention(long queryDim, long contextDim, int heads, long dimHead, boolean qkvBias, int normGroups,
                     boolean residual, double rescale) {
        this(queryDim, contextDim, heads, dimHead, qkvBias, normGroups, 1e-5, residual, rescale);
    }

    /** As above with the epsilon of the input GroupNorm (diffusers' autoencoder uses 1e-6). */
    public Attention(long queryDim, long contextDim, int heads, long dimHead, boolean qkvBias, int normGroups,
                     double normEps, boolean residual, double rescale) {
        long inner = heads * dimHead;
        long kvDim = contextDim > 0 ? contextDim : queryDim;
        this.heads = heads;
        this.groupNorm = normGroups > 0 ? child("group_norm", new GroupNorm(normGroups, queryDim, normEps)) : null;
        this.toQ = child("to_q", new Linear(queryDim, inner, qkvBias));
        this.toK = child("to_k", new Linear(kvDim, inner, qkvBias));
        this.toV = child("to_v", new Linear(kvDim, inner, qkvBias));
        this.toOut = child("to_out", new ModuleList<Linear>()).add(new Linear(inner, queryDim, true)).get(0);
        this.residual = residual;
        this.rescale = rescale;
    }

    /** x: (B, N, C) or (B, C, H, W); context: (B, M, D) or null. Returns the shape of x. */
    public Tensor forward(Tensor x, Tensor context) {
        long[] shape = x.sizes().vec().get();
        boolean spatial = shape.length == 4;
        Tensor h = spatial ? x.reshape(shape[0], shape[1], shape[2] * shape[3]).transpose(1, 2) : x; // (B, N, C)
        if (groupNorm != null) {
            h = groupNorm.forward(h.transpose(1, 2)).transpose(1, 2);
        }
        Tensor ctx = context == null ? h : context;
        Tensor q = splitHeads(toQ.forward(h));   // (B, heads, N, d)
        Tensor k = splitHeads(toK.forward(ctx)); // (B, heads, M, d)
        Tensor v = splitHeads(toV.forward(ctx));
        Tensor o = torch.scaled_dot_product_attention(q, k, v);       // (B, heads, N, d)
        long b = shape[0];
        o = o.transpose(1, 2).reshape(b, -1, o.size(1) * o.size(3)); // (B, N, heads·d)
        o = toOut.forward(o);
        if (spatial) {
            o = o.transpose(1, 2).reshape(shape);
        }
        if (residual) {
            o = o.add(x);
        }
        return rescale == 1.0 ? o : o.div(new org.bytedeco.pytorch.Scalar(rescale));
    }

    private Tensor splitHeads(Tensor t) {
        long b = t.size(0);
        long n = t.size(1);
        return t.reshape(b, n, heads, t.size(2) / heads).transpose(1, 2);
    }
}
