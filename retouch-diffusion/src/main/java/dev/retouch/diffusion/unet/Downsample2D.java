package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code Downsample2D} with a convolution ({@code conv}): 3×3, stride 2, padding 1; or, as in diffusers'
 * autoencoder encoder, padding 0 after zero-padding one row and column at the bottom and right.
 */
public final class Downsample2D extends Module {
    private final Conv2d conv;
    private final boolean padBottomRight;

    public Downsample2D(int channels) {
        this(channels, false);
    }

    public Downsample2D(int channels, boolean padBottomRight) {
        this.padBottomRight = padBottomRight;
        this.conv = child("conv", new Conv2d(channels, channels, 3, 2, padBottomRight ? 0 : 1));
    }

    /** (B, C, H, W) → (B, C, H/2, W/2). */
    public Tensor forward(Tensor x) {
        return conv.forward(padBottomRight ? torch.constant_pad_nd(x, new long[]{0, 1, 0, 1}) : x);
    }

    long macs(long h, long w) {
        return conv.macs(h, w);
    }
}
