package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** diffusers' {@code Upsample2D}: nearest-neighbour ×2 then a 3×3 {@code conv}. */
public final class Upsample2D extends Module {
    private final Conv2d conv;

    public Upsample2D(int channels) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, 1, 1));
    }

    /** (B, C, H, W) → (B, C, 2H, 2W). */
    public Tensor forward(Tensor x) {
        long h = x.size(2);
        long w = x.size(3);
        return conv.forward(torch.upsample_nearest2d(x, 2 * h, 2 * w));
    }

    long macs(long h, long w) {
        return conv.macs(2 * h, 2 * w);
    }
}
