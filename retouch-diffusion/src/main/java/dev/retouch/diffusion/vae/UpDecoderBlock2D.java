package dev.retouch.diffusion.vae;

import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.diffusion.unet.ResnetBlock2D;
import dev.retouch.diffusion.unet.Upsample2D;
import org.bytedeco.pytorch.Tensor;

/** diffusers' {@code UpDecoderBlock2D}: {@code resnets.j} (no time embedding, no skips), optional {@code upsamplers.0}. */
final class UpDecoderBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Upsample2D> upsamplers;

    UpDecoderBlock2D(int in, int out, int layers, int groups, double eps, boolean upsample) {
        for (int j = 0; j < layers; j++) {
            resnets.add(new ResnetBlock2D(j == 0 ? in : out, out, 0, groups, eps, 0.0));
        }
        this.upsamplers = upsample ? child("upsamplers", new ModuleList<>()) : null;
        if (upsample) {
            upsamplers.add(new Upsample2D(out));
        }
    }

    /** (B, in, H, W) → (B, out, 2H, 2W) when upsampling, else (B, out, H, W). */
    Tensor forward(Tensor x) {
        Tensor h = x;
        for (ResnetBlock2D r : resnets) {
            h = r.forward(h, null);
        }
        return upsamplers == null ? h : upsamplers.get(0).forward(h);
    }
}
