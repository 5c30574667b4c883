package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code UNetMidBlock2D} and {@code UNetMidBlock2DCrossAttn}: {@code resnets.0 → attentions.0 →
 * resnets.1}, the attention being either kind of {@link BlockAttention}.
 */
public final class MidBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Module> attentions = child("attentions", new ModuleList<>());
    private final int channels;

    MidBlock2D(int channels, ResnetSpec resnet, Module attention) {
        this.channels = channels;
        resnets.add(resnet.block(channels, channels));
        attentions.add(attention);
        resnets.add(resnet.block(channels, channels));
    }

    /** A block with spatial self-attention; tembDim 0 for no time conditioning (diffusers' autoencoder). */
    public MidBlock2D(int channels, int tembDim, int groups, double eps, double dropout, Attention attention) {
        this(channels, new ResnetSpec(tembDim, groups, eps, dropout), attention);
    }

    /** x (B, C, H, W), temb (B, tembDim) or null → (B, C, H, W), for blocks without cross-attention. */
    public Tensor forward(Tensor x, Tensor temb) {
        return forward(x, temb, null);
    }

    /** x (B, C, H, W), context (B, M, D) or null → (B, C, H, W). */
    Tensor forward(Tensor x, Tensor temb, Tensor context) {
        Tensor h = resnets.get(0).forward(x, temb);
        h = BlockAttention.forward(attentions.get(0), h, context);
        return resnets.get(1).forward(h, temb);
    }

    long macs(long height, long width, long contextTokens) {
        return 2 * resnets.get(0).macs(height, width)
                + BlockAttention.macs(attentions.get(0), height, width, channels, contextTokens);
    }
}
