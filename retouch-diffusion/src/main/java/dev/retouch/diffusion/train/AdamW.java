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
 *
 * <p>When every parameter is a contiguous float32 tensor (every Retouch model), the constructor moves them into one
 * flat buffer (each parameter's data becomes a view of it: the parameter objects, their names and shapes stay) and
 * keeps m and v flat too, so an update is a handful of operations on the whole model instead of nine per tensor:
 * 268 tensors of emoji-ddpm-32 took 29 ms per step, a third of them JNI crossings and scalar allocations
 * (docs/EVALUATION.md, issue 14). A step in which some parameter has no gradient (a frozen part) updates only the
 * others, tensor by tensor, as before. Loading weights later ({@code Module.loadStateDict} copies in place) keeps
 * the packing; replacing a parameter's data afterwards ({@code Module.to}) would detach it from the optimizer, so
 * move or cast a model before making its optimizer.
 */
public final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final Map<String, Tensor> params;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();
    private final double weightDecay;
    private final Tensor flatParams; // null when the parameters could not be packed
    private final Tensor flatM;
    private final Tensor flatV;
    private long step;

    public AdamW(Map<String, Tensor> namedParams, double weightDecay) {
        this.params = new LinkedHashMap<>(namedParams);
        this.weightDecay = weightDecay;
        boolean packable = !params.isEmpty() && params.values().stream().allMatch(p ->
                p.scalar_type().value == torch.ScalarType.Float.value && p.is_contiguous() && p.numel() > 0);
        if (packable) {
            long total = params.values().stream().mapToLong(Tensor::numel).sum();
            flatParams = Tensors.keep(torch.empty(total));
            flatM = Tensors.keep(torch.zeros(total));
            flatV = Tensors.keep(torch.zeros(total));
            long off = 0;
            try (NoGradGuard ignored = new NoGradGuard()) {
                for (var e : params.entrySet()) {
                    Tensor p = e.getValue();
                    long n = p.numel();
                    long[] shape = Tensors.shape(p);
                    Tensor slice = flatParams.narrow(0, off, n);
                    slice.copy_(p.detach().reshape(-1));
                    p.set_data(slice.view(shape));
                    m.put(e.getKey(), Tensors.keep(flatM.narrow(0, off, n).view(shape)));
                    v.put(e.getKey(), Tensors.keep(flatV.narrow(0, off, n).view(shape)));
                    off += n;
                }
            }
        } else {
            flatParams = null;
            flatM = null;
            flatV = null;
            for (var e : params.entrySet()) {
                m.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue())));
                v.put(e.getKey(), Tensors.keep(torch.zeros_like(e.getValue())));
            }
        }
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are skipped. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = 1 - Math.pow(BETA2, step);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor g = flatParams == null ? null : flatGradients();
            if (g != null) {
                update(flatParams, g, flatM, flatV, lr, bc1, bc2);
                return;
            }
            for (var e : params.entrySet()) {
                Tensor pg = e.getValue().grad();
                if (pg != null && pg.defined()) {
                    update(e.getValue(), pg, m.get(e.getKey()), v.get(e.getKey()), lr, bc1, bc2);
                }
            }
        }
    }

    private void update(Tensor p, Tensor g, Tensor mt, Tensor vt, double lr, double bc1, double bc2) {
        mt.mul_(Tensors.s(BETA1)).add_(g, Tensors.s(1 - BETA1));
        vt.mul_(Tensors.s(BETA2)).addcmul_(g, g, Tensors.s(1 - BETA2));
        p.mul_(Tensors.s(1 - lr * weightDecay));
        Tensor denom = vt.div(Tensors.s(bc2)).sqrt().add_(Tensors.s(EPS));
        p.addcdiv_(mt, denom, Tensors.s(-lr / bc1));
    }

    /** Every gradient in one flat tensor (parameter order), or null when some parameter has none. */
    private Tensor flatGradients() {
        Tensor[] parts = new Tensor[params.size()];
        int i = 0;
        for (Tensor p : params.values()) {
            Tensor g = p.grad();
            if (g == null || !g.defined()) {
                return null;
            }
            parts[i++] = g.reshape(-1);
        }
        return Tensors.cat(0, parts);
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
        List<Tensor> grads = params.values().stream().map(Tensor::grad).filter(g -> g != null && g.defined()).toList();
        double norm;
        Tensor flat = flatParams == null ? null : flatGradients();
        if (flat != null) {
            norm = flat.norm().item_double(); // one pass over the whole model (ATen sums in a cascade)
        } else {
            double sq = 0;
            for (Tensor g : grads) {
                sq += g.square().sum().item_double();
            }
            norm = Math.sqrt(sq);
        }
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
