package dev.retouch.diffusion.vae;

import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.diffusion.unet.Downsample2D;
import dev.retouch.diffusion.unet.ResnetBlock2D;
import org.bytedeco.pytorch.Tensor;

/** diffusers' {@code DownEncoderBlock2D}: {@code resnets.j} (no time embedding), optional {@code downsamplers.0}. */
final class DownEncoderBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Downsample2D> downsamplers;

    DownEncoderBlock2D(int in, int out, int layers, int groups, double eps, boolean downsample) {
        for (int j = 0; j < layers; j++) {
            resnets.add(new ResnetBlock2D(j == 0 ? in : out, out, 0, groups, eps, 0.0));
        }
        this.downsamplers = downsample ? child("downsamplers", new ModuleList<>()) : null;
        if (downsample) {
            downsamplers.add(new Downsample2D(out, true));
        }
    }

    /** (B, in, H, W) → (B, out, H/2, W/2) when downsampling, else (B, out, H, W). */
    Tensor forward(Tensor x) {
        Tensor h = x;
        for (ResnetBlock2D r : resnets) {
            h = r.forward(h, null);
        }
        return downsamplers == null ? h : downsamplers.get(0).forward(h);
    }
}
