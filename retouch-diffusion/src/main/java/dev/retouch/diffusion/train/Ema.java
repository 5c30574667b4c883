package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of a model's state: shadow ← shadow + (1 − d)·(θ − shadow), with the warm-up
 * d_eff = min(d, (1 + n)/(10 + n)) so early averages are not dominated by the random initialisation. Without the
 * warm-up (a run that continues from trained, already averaged weights) d is used from the first step: the warm-up
 * would otherwise shorten the average to a few hundred steps for the first thousands of steps.
 */
public final class Ema {
    private final Map<String, Tensor> live;
    private final Map<String, Tensor> shadow = new LinkedHashMap<>();
    private final double decay;
    private final boolean warmup;

    /** An average with the warm-up, starting at {@code state}. */
    public Ema(Map<String, Tensor> state, double decay) {
        this(state, decay, true);
    }

    /** An average starting at {@code state}, with or without the warm-up. */
    public Ema(Map<String, Tensor> state, double decay, boolean warmup) {
        this.live = new LinkedHashMap<>(state);
        this.decay = decay;
        this.warmup = warmup;
        try (NoGradGuard ignored = new NoGradGuard()) {
            state.forEach((k, t) -> shadow.put(k, Tensors.keep(t.detach().clone())));
        }
    }

    /** Updates the average after optimizer step number {@code n} (1-based). */
    public void update(long n) {
        double d = warmup ? Math.min(decay, (1.0 + n) / (10.0 + n)) : decay;
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (var e : live.entrySet()) {
                Tensor s = shadow.get(e.getKey());
                if (s.is_floating_point()) {
                    s.lerp_(e.getValue(), Tensors.s(1 - d));
                } else {
                    s.copy_(e.getValue());
                }
            }
        }
    }

    /** The averaged tensors by state-dict name. */
    public Map<String, Tensor> state() {
        return shadow;
    }

    public void load(Map<String, Tensor> state) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            shadow.forEach((k, t) -> {
                Tensor src = state.get(k);
                if (src == null) {
                    throw new dev.retouch.core.RetouchException("checkpoint lacks EMA weights for " + k);
                }
                t.copy_(src);
            });
        }
    }
}
