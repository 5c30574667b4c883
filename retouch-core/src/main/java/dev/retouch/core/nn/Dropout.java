package dev.retouch.core.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Dropout with probability p, active only in training mode (draws from libtorch's global generator). */
public final class Dropout extends Module {
    private final double p;

    public Dropout(double p) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
    }

    public Tensor forward(Tensor x) {
        return p == 0 || !isTraining() ? x : torch.dropout(x, p, true);
    }
}
