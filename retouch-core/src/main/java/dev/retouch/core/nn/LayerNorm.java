package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Layer normalisation over the last dimension, with optional affine {@code weight}/{@code bias}. */
public final class LayerNorm extends Module {
    private final long dim;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(long dim, double eps, boolean affine) {
        this.dim = dim;
        this.eps = eps;
        this.weight = affine ? parameter("weight", torch.ones(dim)) : null;
        this.bias = affine ? parameter("bias", torch.zeros(dim)) : null;
    }

    public LayerNorm(long dim) {
        this(dim, 1e-5, true);
    }

    @Override
    protected void resetParameters(Generator gen) {
        if (weight != null) {
            Init.ones(weight);
            Init.zeros(bias);
        }
    }

    public Tensor forward(Tensor x) {
        TensorOptional w = weight == null ? new TensorOptional() : new TensorOptional(weight);
        TensorOptional b = bias == null ? new TensorOptional() : new TensorOptional(bias);
        return torch.layer_norm(x, new long[]{dim}, w, b, eps, false);
    }
}
