package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * diffusers' {@code DownBlock2D}, {@code AttnDownBlock2D} and {@code CrossAttnDownBlock2D}: {@code resnets.j}, each
 * optionally followed by {@code attentions.j} (see {@link BlockAttention}), and an optional {@code downsamplers.0}.
 * Every intermediate output is a skip for the decoder.
 */
final class DownBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets = child("resnets", new ModuleList<>());
    private final ModuleList<Module> attentions;
    private final ModuleList<Downsample2D> downsamplers;
    private final int channels;

    /** @param attention makes the layer that follows each resnet, or null for none */
    DownBlock2D(int in, int out, int layers, ResnetSpec resnet, Supplier<? extends Module> attention,
                boolean downsample) {
        this.channels = out;
        this.attentions = attention != null ? child("attentions", new ModuleList<>()) : null;
        for (int j = 0; j < layers; j++) {
            resnets.add(resnet.block(j == 0 ? in : out, out));
            if (attention != null) {
                attentions.add(attention.get());
            }
        }
        this.downsamplers = downsample ? child("downsamplers", new ModuleList<>()) : null;
        if (downsample) {
            downsamplers.add(new Downsample2D(out));
        }
    }

    /**
     * Runs the block on x (B, in, H, W) with context (B, M, D) or null, appending each intermediate output to
     * {@code skips}; returns the block output.
     */
    Tensor forward(Tensor x, Tensor temb, Tensor context, List<Tensor> skips) {
        Tensor h = x;
        for (int j = 0; j < resnets.size(); j++) {
            h = resnets.get(j).forward(h, temb);
            if (attentions != null) {
                h = BlockAttention.forward(attentions.get(j), h, context);
            }
            skips.add(h);
        }
        if (downsamplers != null) {
            h = downsamplers.get(0).forward(h);
            skips.add(h);
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
        if (downsamplers != null) {
            m += downsamplers.get(0).macs(height, width);
        }
        return m;
    }
}
