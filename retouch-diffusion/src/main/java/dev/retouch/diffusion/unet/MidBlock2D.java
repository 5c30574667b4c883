package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/** diffusers' {@code UNetMidBlock2D}: {@code resnets.0 → attentions.0 → resnets.1}. */
final class MidBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Attention> attentions = child("attentions", new ModuleList<>());

    MidBlock2D(int channels, int tembDim, UNet2DConfig c) {
        resnets.add(new ResnetBlock2D(channels, channels, tembDim, c.normGroups(), c.normEps(), c.dropout()));
        attentions.add(UNet2DModel.selfAttention(channels, c));
        resnets.add(new ResnetBlock2D(channels, channels, tembDim, c.normGroups(), c.normEps(), c.dropout()));
    }

    Tensor forward(Tensor x, Tensor temb) {
        Tensor h = resnets.get(0).forward(x, temb);
        h = attentions.get(0).forward(h, null);
        return resnets.get(1).forward(h, temb);
    }

    long macs(long side, int channels) {
        return 2 * resnets.get(0).macs(side, side) + UNet2DModel.attentionMacs(side * side, channels);
    }
}
