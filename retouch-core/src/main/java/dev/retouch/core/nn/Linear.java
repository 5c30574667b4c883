package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** y = x·Wᵀ + b. Parameters {@code weight} (out, in) and optional {@code bias} (out). */
public final class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", torch.zeros(outFeatures, inFeatures));
        this.bias = bias ? parameter("bias", torch.zeros(outFeatures)) : null;
    }

    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    @Override
    protected void resetParameters(Generator gen) {
        Init.torchDefault(weight, inFeatures, gen);
        if (bias != null) {
            Init.torchDefault(bias, inFeatures, gen);
        }
    }

    public Tensor weight() {
        return weight;
    }

    /** (…, in) → (…, out). */
    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
