package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * diffusers' {@code UpBlock2D} / {@code AttnUpBlock2D}: layers+1 {@code resnets}, each taking the previous output
 * concatenated (channels) with the most recent encoder skip, optional {@code attentions}, optional
 * {@code upsamplers.0}.
 */
final class UpBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Attention> attentions;
    private final ModuleList<Upsample2D> upsamplers;
    private final int[] inChannels;

    /**
     * @param prevOut  channels coming from the block below
     * @param out      this block's channels
     * @param skipIn   channels of the encoder level below (the last skip's channels)
     */
    UpBlock2D(int prevOut, int out, int skipIn, int layers, int tembDim, UNet2DConfig c, boolean attention,
              boolean upsample) {
        this.attentions = attention ? child("attentions", new ModuleList<>()) : null;
        this.inChannels = new int[layers];
        for (int j = 0; j < layers; j++) {
            int skip = j == layers - 1 ? skipIn : out;
            int resIn = j == 0 ? prevOut : out;
            inChannels[j] = resIn + skip;
            resnets.add(new ResnetBlock2D(resIn + skip, out, tembDim, c.normGroups(), c.normEps(), c.dropout()));
            if (attention) {
                attentions.add(UNet2DModel.selfAttention(out, c));
            }
        }
        this.upsamplers = upsample ? child("upsamplers", new ModuleList<>()) : null;
        if (upsample) {
            upsamplers.add(new Upsample2D(out));
        }
    }

    /** Consumes skips from the end of {@code skips}. */
    Tensor forward(Tensor x, Tensor temb, List<Tensor> skips) {
        Tensor h = x;
        for (int j = 0; j < resnets.size(); j++) {
            Tensor skip = skips.remove(skips.size() - 1);
            h = resnets.get(j).forward(Tensors.cat(1, h, skip), temb);
            if (attentions != null) {
                h = attentions.get(j).forward(h, null);
            }
        }
        if (upsamplers != null) {
            h = upsamplers.get(0).forward(h);
        }
        return h;
    }

    long macs(long side, int channels) {
        long m = 0;
        for (int j = 0; j < resnets.size(); j++) {
            m += resnets.get(j).macs(side, side);
            if (attentions != null) {
                m += UNet2DModel.attentionMacs(side * side, channels);
            }
        }
        if (upsamplers != null) {
            m += upsamplers.get(0).macs(side, side);
        }
        return m;
    }
}
