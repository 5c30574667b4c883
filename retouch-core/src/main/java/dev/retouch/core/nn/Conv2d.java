package dev.retouch.core.nn;

import dev.retouch.core.engine.Convolution;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** 2-D convolution, square kernel. Parameters {@code weight} (out, in/groups, k, k) and optional {@code bias}. */
public final class Conv2d extends Module {
    public final long inChannels;
    public final long outChannels;
    public final long kernel;
    private final long[] stride;
    private final long[] padding;
    private final long groups;
    private final Tensor weight;
    private final Tensor bias;

    public Conv2d(long in, long out, long kernel, long stride, long padding, long groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("channels " + in + "→" + out + " not divisible by groups " + groups);
        }
        this.inChannels = in;
        this.outChannels = out;
        this.kernel = kernel;
        this.stride = new long[]{stride, stride};
        this.padding = new long[]{padding, padding};
        this.groups = groups;
        this.weight = parameter("weight", torch.zeros(out, in / groups, kernel, kernel));
        this.bias = bias ? parameter("bias", torch.zeros(out)) : null;
    }

    public Conv2d(long in, long out, long kernel, long stride, long padding) {
        this(in, out, kernel, stride, padding, 1, true);
    }

    @Override
    protected void resetParameters(Generator gen) {
        long fanIn = (inChannels / groups) * kernel * kernel;
        Init.torchDefault(weight, fanIn, gen);
        if (bias != null) {
            Init.torchDefault(bias, fanIn, gen);
        }
    }

    public Tensor weight() {
        return weight;
    }

    /** Multiply-accumulates of one forward pass for an input of size h×w (used by the FLOP counter). */
    public long macs(long h, long w) {
        long ho = (h + 2 * padding[0] - kernel) / stride[0] + 1;
        long wo = (w + 2 * padding[1] - kernel) / stride[1] + 1;
        return ho * wo * outChannels * (inChannels / groups) * kernel * kernel;
    }

    /** (B, in, H, W) → (B, out, H', W'). */
    public Tensor forward(Tensor x) {
        return Convolution.conv2d(x, weight, bias, stride, padding, groups);
    }
}
