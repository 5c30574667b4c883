package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A lookup table {@code weight} (num, dim), initialised N(0, 1) as in PyTorch. */
public final class Embedding extends Module {
    public final long num;
    public final long dim;
    private final Tensor weight;

    public Embedding(long num, long dim) {
        this.num = num;
        this.dim = dim;
        this.weight = parameter("weight", torch.zeros(num, dim));
    }

    @Override
    protected void resetParameters(Generator gen) {
        Init.normal(weight, 1.0, gen);
    }

    public Tensor weight() {
        return weight;
    }

    /** Integer indices (…) → (…, dim). */
    public Tensor forward(Tensor indices) {
        return torch.embedding(weight, indices);
    }
}
