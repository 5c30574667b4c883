package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** transformers' {@code CLIPAttention}: {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj}, all biased. */
final class ClipAttention extends Module {
    private final int heads;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;

    ClipAttention(int width, int heads) {
        this.heads = heads;
        this.kProj = child("k_proj", new Linear(width, width));
        this.vProj = child("v_proj", new Linear(width, width));
        this.qProj = child("q_proj", new Linear(width, width));
        this.outProj = child("out_proj", new Linear(width, width));
    }

    /** x (B, N, D); mask null or additive (B or 1, 1, N, N) → (B, N, D). */
    Tensor forward(Tensor x, Tensor mask) {
        long b = x.size(0);
        long n = x.size(1);
        Tensor q = split(qProj.forward(x), b, n); // (B, heads, N, d)
        Tensor k = split(kProj.forward(x), b, n);
        Tensor v = split(vProj.forward(x), b, n);
        Tensor o = mask == null ? torch.scaled_dot_product_attention(q, k, v)
                : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false,
                new org.bytedeco.pytorch.DoubleOptional(), false);
        return outProj.forward(o.transpose(1, 2).reshape(b, n, -1));
    }

    private Tensor split(Tensor t, long b, long n) {
        return t.reshape(b, n, heads, t.size(2) / heads).transpose(1, 2);
    }
}
