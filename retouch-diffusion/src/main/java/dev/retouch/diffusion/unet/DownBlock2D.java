package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * diffusers' {@code DownBlock2D} / {@code AttnDownBlock2D}: {@code resnets.j} (each optionally followed by
 * {@code attentions.j}) and an optional {@code downsamplers.0}. Every intermediate output is a skip for the decoder.
 */
final class DownBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Attention> attentions;
    private final ModuleList<Downsample2D> downsamplers;

    DownBlock2D(int in, int out, int layers, int tembDim, UNet2DConfig c, boolean attention, boolean downsample) {
        this.attentions = attention ? child("attentions", new ModuleList<>()) : null;
        for (int j = 0; j < layers; j++) {
            resnets.add(new ResnetBlock2D(j == 0 ? in : out, out, tembDim, c.normGroups(), c.normEps(), c.dropout()));
            if (attention) {
                attentions.add(UNet2DModel.selfAttention(out, c));
            }
        }
        this.downsamplers = downsample ? child("downsamplers", new ModuleList<>()) : null;
        if (downsample) {
            downsamplers.add(new Downsample2D(out));
        }
    }

    /** Runs the block, appending each intermediate output to {@code skips}; returns the block output. */
    Tensor forward(Tensor x, Tensor temb, List<Tensor> skips) {
        Tensor h = x;
        for (int j = 0; j < resnets.size(); j++) {
            h = resnets.get(j).forward(h, temb);
            if (attentions != null) {
                h = attentions.get(j).forward(h, null);
            }
            skips.add(h);
        }
        if (downsamplers != null) {
            h = downsamplers.get(0).forward(h);
            skips.add(h);
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
        if (downsamplers != null) {
            m += downsamplers.get(0).macs(side, side);
        }
        return m;
    }
}
