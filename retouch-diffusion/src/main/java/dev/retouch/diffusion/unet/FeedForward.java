package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Dropout;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code FeedForward} with the GEGLU activation (Shazeer 2020, "GLU Variants Improve Transformer"):
 * {@code net.0} = GEGLU(x) = a ⊙ GELU(g) where [a | g] = {@code net.0.proj}(x), {@code net.1} dropout (p = 0, as in
 * Stable Diffusion), {@code net.2} a linear map back to the model width.
 */
final class FeedForward extends Module {
    private final Geglu geglu;
    private final Dropout dropout;
    private final Linear out;

    FeedForward(int dim, int inner) {
        ModuleList<Module> net = child("net", new ModuleList<>());
        this.geglu = new Geglu(dim, inner);
        this.dropout = new Dropout(0.0);
        this.out = new Linear(inner, dim);
        net.add(geglu).add(dropout).add(out);
    }

    /** (B, N, dim) → (B, N, dim). */
    Tensor forward(Tensor x) {
        return out.forward(dropout.forward(geglu.forward(x)));
    }

    long macs(long tokens) {
        return tokens * (geglu.proj.inFeatures * geglu.proj.outFeatures + out.inFeatures * out.outFeatures);
    }

    /** {@code proj}: dim → 2·inner; the first half is the value, the second the gate. */
    static final class Geglu extends Module {
        private final Linear proj;
        private final long inner;

        Geglu(int dim, int inner) {
            this.inner = inner;
            this.proj = child("proj", new Linear(dim, 2L * inner));
        }

        /** (…, dim) → (…, inner): a ⊙ GELU(g) with the exact (erf) GELU. */
        Tensor forward(Tensor x) {
            Tensor ag = proj.forward(x);          // (…, 2·inner)
            Tensor a = ag.narrow(-1, 0, inner);
            Tensor g = ag.narrow(-1, inner, inner);
            return a.mul(torch.gelu(g));
        }
    }
}
