package dev.retouch.core.nn;

import dev.retouch.core.engine.Convolution;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;
import java.util.function.Supplier;

/**
 * 2-D convolution, square kernel. Parameters {@code weight} (out, in/groups, k, k) and optional {@code bias}.
 *
 * <p>Inside {@link #modulated}, a convolution given an offset Δ (B, out, in, k, k) runs each sample b of its batch
 * with its own kernel θ·(1 + Δ_b) (a hypernetwork's modulation, paper 002 Eq. 2), as one grouped convolution over
 * the batch; the stored weight is not changed. The offsets belong to the calling thread, so a model shared between
 * threads stays safe.
 */
public final class Conv2d extends Module {
    private static final ThreadLocal<Map<Conv2d, Tensor>> OFFSETS = new ThreadLocal<>();

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
        Map<Conv2d, Tensor> offsets = OFFSETS.get();
        Tensor delta = offsets == null ? null : offsets.get(this);
        if (delta == null) {
            return Convolution.conv2d(x, weight, bias, stride, padding, groups);
        }
        return modulatedForward(x, delta);
    }

    /**
     * Runs {@code work} with these convolutions' kernels modulated per sample: θ̂_b = θ·(1 + Δ_b), Δ of shape
     * (B, out, in, k, k) for a batch of B. Nested calls replace the outer offsets for their duration.
     */
    public static <T> T modulated(Map<Conv2d, Tensor> offsets, Supplier<T> work) {
        Map<Conv2d, Tensor> outer = OFFSETS.get();
        OFFSETS.set(offsets);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                OFFSETS.remove();
            } else {
                OFFSETS.set(outer);
            }
        }
    }

    private Tensor modulatedForward(Tensor x, Tensor delta) {
        if (groups != 1) {
            throw new IllegalStateException("a grouped convolution cannot be modulated per sample");
        }
        long b = x.size(0);
        long[] want = {b, outChannels, inChannels, kernel, kernel};
        if (!java.util.Arrays.equals(delta.sizes().vec().get(), want)) {
            throw new IllegalArgumentException("offset of shape " + java.util.Arrays.toString(delta.sizes().vec().get())
                    + ", expected " + java.util.Arrays.toString(want));
        }
        // one grouped convolution: the batch becomes the groups, each with its own kernel
        Tensor w = weight.unsqueeze(0).mul(delta.add(new org.bytedeco.pytorch.Scalar(1.0)))
                .reshape(b * outChannels, inChannels, kernel, kernel);
        Tensor y = Convolution.conv2d(x.reshape(1, b * inChannels, x.size(2), x.size(3)), w,
                bias == null ? null : bias.repeat(b), stride, padding, b);
        return y.reshape(b, outChannels, y.size(2), y.size(3));
    }
}
