package dev.retouch.core.engine;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Every 2-D convolution in Retouch goes through here, so that the route the engine self-check chose for this
 * machine ({@link Engine#route()}) applies to all of them. Same contract as {@code torch.conv2d}.
 */
public final class Convolution {
    /** oneDNN's channel block on AVX-512 (AVX2 uses 8, which divides it). */
    static final long BLOCK = 16;
    private static final long[] UNIT = {1, 1};

    static {
        // NNPACK cannot initialise on many CPUs and then warns on every convolution; the self-check vouches for
        // oneDNN and ATen only, so NNPACK stays off for every convolution, however it is reached
        torch.globalContext().setUserEnabledNNPACK(false);
    }

    private Convolution() {
    }

    /** (B, C_in, H, W) ⊛ weight (C_out, C_in/groups, kH, kW) + bias (C_out, or null) → (B, C_out, H', W'). */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long groups) {
        return conv2d(x, weight, bias, stride, padding, UNIT, groups, Engine.route());
    }

    /** As {@link #conv2d(Tensor, Tensor, Tensor, long[], long[], long)} with dilation, along a given route. */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation,
                         long groups, ConvRoute route) {
        if (route == ConvRoute.PAD_CHANNELS && groups == 1 && x.is_cpu()) { // the oneDNN fault is a CPU one
            return padded(x, weight, bias, stride, padding, dilation);
        }
        return direct(x, weight, bias, stride, padding, dilation, groups);
    }

    static Tensor direct(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation,
                         long groups) {
        return torch.conv2d(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias),
                stride, padding, dilation, groups);
    }

    /**
     * The zero channels {@link ConvRoute#PAD_CHANNELS} adds to a groups-1 convolution: {extra C_in, extra C_out}
     * (both 0 when it runs as it is).
     */
    public static long[] padding(long cIn, long cOut, long stride, boolean inputGradient) {
        long block = inputGradient && stride > 1 ? 2 * BLOCK : BLOCK;
        long extraIn = cIn > 8 && cIn % block != 0 ? block - cIn % block : 0;
        long extraOut = inputGradient && cOut % block != 0 ? block - cOut % block : 0;
        return new long[]{extraIn, extraOut};
    }

    /**
     * The {@link ConvRoute#PAD_CHANNELS} route (groups = 1; grouped convolutions pass the self-check as they are).
     * Channel counts are rounded up to the block: 16, or 32 for the backward-data pass of a strided convolution,
     * which oneDNN 3.7.1 gets wrong on AVX-512 for odd multiples of 16 as well.
     */
    private static Tensor padded(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                 long[] dilation) {
        long cOut = weight.size(0);
        long cIn = weight.size(1);
        boolean inputGradient = x.requires_grad() && GradMode.is_enabled();
        long[] extra = padding(cIn, cOut, Math.max(stride[0], stride[1]), inputGradient);
        long extraIn = extra[0];
        long extraOut = extra[1];
        if (extraIn == 0 && extraOut == 0) {
            return direct(x, weight, bias, stride, padding, dilation, 1);
        }
        Scalar zero = new Scalar(0.0);
        Tensor xp = extraIn == 0 ? x : torch.constant_pad_nd(x, new long[]{0, 0, 0, 0, 0, extraIn}, zero);
        // constant_pad_nd pads the last dimension first: (kW), (kH), (C_in), (C_out)
        Tensor wp = torch.constant_pad_nd(weight, new long[]{0, 0, 0, 0, 0, extraIn, 0, extraOut}, zero);
        Tensor bp = bias == null || extraOut == 0 ? bias : torch.constant_pad_nd(bias, new long[]{0, extraOut}, zero);
        Tensor y = direct(xp, wp, bp, stride, padding, dilation, 1); // (B, C_out + extraOut, H', W')
        return extraOut == 0 ? y : y.narrow(1, 0, cOut);
    }

    /**
     * Transposed convolution: (B, C_in, H, W) with weight (C_in, C_out, kH, kW) + bias (C_out, or null) →
     * (B, C_out, H', W'), groups 1, no dilation; same contract as {@code torch.conv_transpose2d}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                         long[] outputPadding) {
        return convTranspose2d(x, weight, bias, stride, padding, outputPadding, Engine.route());
    }

    static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding,
                                  long[] outputPadding, ConvRoute route) {
        long cIn = weight.size(0);
        long cOut = weight.size(1);
        long extraIn = route == ConvRoute.PAD_CHANNELS && cIn > 8 && cIn % BLOCK != 0 ? BLOCK - cIn % BLOCK : 0;
        long extraOut = route == ConvRoute.PAD_CHANNELS && cOut % BLOCK != 0 ? BLOCK - cOut % BLOCK : 0;
        Scalar zero = new Scalar(0.0);
        Tensor xp = extraIn == 0 ? x : torch.constant_pad_nd(x, new long[]{0, 0, 0, 0, 0, extraIn}, zero);
        Tensor wp = extraIn == 0 && extraOut == 0 ? weight
                : torch.constant_pad_nd(weight, new long[]{0, 0, 0, 0, 0, extraOut, 0, extraIn}, zero);
        Tensor bp = bias == null || extraOut == 0 ? bias : torch.constant_pad_nd(bias, new long[]{0, extraOut}, zero);
        Tensor y = torch.conv_transpose2d(xp, wp, bp == null ? new TensorOptional() : new TensorOptional(bp), stride,
                padding, outputPadding, 1, UNIT); // (B, C_out + extraOut, H', W')
        return extraOut == 0 ? y : y.narrow(1, 0, cOut);
    }
}
