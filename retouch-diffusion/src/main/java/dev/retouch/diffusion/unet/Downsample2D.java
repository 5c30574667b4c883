package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** diffusers' {@code Downsample2D} with a convolution: 3×3, stride 2, padding 1 ({@code conv}). */
public final class Downsample2D extends Module {
    private final Conv2d conv;

    public Downsample2D(int channels) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, 2, 1));
    }

    /** (B, C, H, W) → (B, C, H/2, W/2). */
    public Tensor forward(Tensor x) {
        return conv.forward(x);
    }

    long macs(long h, long w) {
        return conv.macs(h, w);
    }
}
