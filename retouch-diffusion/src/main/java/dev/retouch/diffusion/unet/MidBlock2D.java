package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/** diffusers' {@code UNetMidBlock2D}: {@code resnets.0 → attentions.0 → resnets.1}. */
public final class MidBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Attention> attentions = child("attentions", new ModuleList<>());

    MidBlock2D(int channels, int tembDim, UNet2DConfig c) {
        this(channels, tembDim, c.normGroups(), c.normEps(), c.dropout(), UNet2DModel.selfAttention(channels, c));
    }

    /** tembDim 0 for a block without time conditioning (diffusers' autoencoder). */
    public MidBlock2D(int channels, int tembDim, int groups, double eps, double dropout, Attention attention) {
        resnets.add(new ResnetBlock2D(channels, channels, tembDim, groups, eps, dropout));
        attentions.add(attention);
        resnets.add(new ResnetBlock2D(channels, channels, tembDim, groups, eps, dropout));
    }

    /** x (B, C, H, W), temb (B, tembDim) or null → (B, C, H, W). */
    public Tensor forward(Tensor x, Tensor temb) {
        Tensor h = resnets.get(0).forward(x, temb);
        h = attentions.get(0).forward(h, null);
        return resnets.get(1).forward(h, temb);
    }

    long macs(long side, int channels) {
        return 2 * resnets.get(0).macs(side, side) + UNet2DModel.attentionMacs(side * side, channels);
    }
}
