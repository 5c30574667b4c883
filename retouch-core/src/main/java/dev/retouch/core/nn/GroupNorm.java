package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Group normalisation over (B, C, …) with affine {@code weight}/{@code bias} of size C. */
public final class GroupNorm extends Module {
    public final long groups;
    public final long channels;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public GroupNorm(long groups, long channels, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels not divisible by " + groups + " groups");
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = parameter("weight", torch.ones(channels));
        this.bias = parameter("bias", torch.zeros(channels));
    }

    @Override
    protected void resetParameters(Generator gen) {
        Init.ones(weight);
        Init.zeros(bias);
    }

    public Tensor forward(Tensor x) {
        return torch.group_norm(x, groups, new TensorOptional(weight), new TensorOptional(bias), eps, false);
    }
}
