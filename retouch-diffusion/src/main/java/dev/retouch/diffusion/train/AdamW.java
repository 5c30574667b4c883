package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, Algorithm 2) written out over the parameter tensors so its whole state
 * (m, v, step) can be saved in a checkpoint and restored exactly. β = (0.9, 0.999), ε = 1e-8.
 */
public final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final Map<String, Tensor> params;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();
    private final double weightDecay;
    private long step;

    public AdamW(Map<String, Tensor> namedParams, double weightDecay) {
        this.params = new LinkedHashMap<>(namedParams);
        this.weightDecay = weightDecay;
        for (var e : params.entrySet()) {
            m.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue())));
            v.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue())));
        }
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are skipped. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = 1 - Math.pow(BETA2, step);
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (var e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (g == null || !g.defined()) {
                    continue;
                }
                Tensor mt = m.get(e.getKey()).mul_(Tensors.s(BETA1)).add_(g, Tensors.s(1 - BETA1));
                Tensor vt = v.get(e.getKey()).mul_(Tensors.s(BETA2)).addcmul_(g, g, Tensors.s(1 - BETA2));
                p.mul_(Tensors.s(1 - lr * weightDecay));
                Tensor denom = vt.div(Tensors.s(bc2)).sqrt().add_(Tensors.s(EPS));
                p.addcdiv_(mt, denom, Tensors.s(-lr / bc1));
            }
        }
    }

    /** Zeroes every gradient. */
    public void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g != null && g.defined()) {
                g.zero_();
            }
        }
    }

    /** Scales all gradients so their global L2 norm is at most {@code maxNorm}; returns the norm before clipping. */
    public double clipGradNorm(double maxNorm) {
        double sq = 0;
        List<Tensor> grads = params.values().stream().map(Tensor::grad).filter(g -> g != null && g.defined()).toList();
        for (Tensor g : grads) {
            sq += g.square().sum().item_double();
        }
        double norm = Math.sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm) {
            try (NoGradGuard ignored = new NoGradGuard()) {
                for (Tensor g : grads) {
                    g.mul_(Tensors.s(maxNorm / (norm + 1e-6)));
                }
            }
        }
        return norm;
    }

    public long stepCount() {
        return step;
    }

    /** The optimizer state for a checkpoint, keys {@code m.<param>} and {@code v.<param>}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put("m." + k, t));
        v.forEach((k, t) -> out.put("v." + k, t));
        return out;
    }

    /** Restores {@link #state()} and the step counter. */
    public void load(Map<String, Tensor> state, long stepCount) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (String k : params.keySet()) {
                Tensor sm = state.get("m." + k);
                Tensor sv = state.get("v." + k);
                if (sm == null || sv == null) {
                    throw new dev.retouch.core.RetouchException("checkpoint lacks optimizer state for " + k);
                }
                m.get(k).copy_(sm);
                v.get(k).copy_(sv);
            }
        }
        this.step = stepCount;
    }
}
