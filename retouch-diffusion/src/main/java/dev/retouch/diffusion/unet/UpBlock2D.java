package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * diffusers' {@code UpBlock2D}, {@code AttnUpBlock2D} and {@code CrossAttnUpBlock2D}: layers+1 {@code resnets},
 * each taking the previous output concatenated (channels) with the most recent encoder skip, each optionally
 * followed by {@code attentions.j} (see {@link BlockAttention}), and an optional {@code upsamplers.0}.
 */
final class UpBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Module> attentions;
    private final ModuleList<Upsample2D> upsamplers;
    private final int channels;

    /**
     * @param prevOut   channels coming from the block below
     * @param out       this block's channels
     * @param skipIn    channels of the encoder level below (the last skip's channels)
     * @param attention makes the layer that follows each resnet, or null for none
     */
    UpBlock2D(int prevOut, int out, int skipIn, int layers, ResnetSpec resnet, Supplier<? extends Module> attention,
              boolean upsample) {
        this.channels = out;
        this.attentions = attention != null ? child("attentions", new ModuleList<>()) : null;
        for (int j = 0; j < layers; j++) {
            int skip = j == layers - 1 ? skipIn : out;
            int resIn = j == 0 ? prevOut : out;
            resnets.add(resnet.block(resIn + skip, out));
            if (attention != null) {
                attentions.add(attention.get());
            }
        }
        this.upsamplers = upsample ? child("upsamplers", new ModuleList<>()) : null;
        if (upsample) {
            upsamplers.add(new Upsample2D(out));
        }
    }

    /** Consumes skips from the end of {@code skips}; context (B, M, D) or null. */
    Tensor forward(Tensor x, Tensor temb, Tensor context, List<Tensor> skips) {
        Tensor h = x;
        for (int j = 0; j < resnets.size(); j++) {
            Tensor skip = skips.remove(skips.size() - 1);
            h = resnets.get(j).forward(Tensors.cat(1, h, skip), temb);
            if (attentions != null) {
                h = BlockAttention.forward(attentions.get(j), h, context);
            }
        }
        if (upsamplers != null) {
            h = upsamplers.get(0).forward(h);
        }
        return h;
    }

    long macs(long height, long width, long contextTokens) {
        long m = 0;
        for (int j = 0; j < resnets.size(); j++) {
            m += resnets.get(j).macs(height, width);
            if (attentions != null) {
                m += BlockAttention.macs(attentions.get(j), height, width, channels, contextTokens);
            }
        }
        if (upsamplers != null) {
            m += upsamplers.get(0).macs(height, width);
        }
        return m;
    }
}
