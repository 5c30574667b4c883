package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.ResnetBlock2D;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The autoencoder that M_y runs between (paper §3.3), trained jointly with everything else: a convolutional
 * encoder to a latent grid, and a decoder with the paper's two changes, encoder→decoder skip connections at every
 * level above the latent (by default only their detail finer than the latent grid, see
 * {@link AutoencoderConfig#highPassSkips}) and per-pixel noise injected after every decoder level with learned
 * per-channel strengths (StyleGAN's "noise inputs", started at zero).
 *
 * <p>Latents are scaled to unit RMS per sample. Trained jointly, an unnormalised encoder could grow its latents
 * until the diffusion noise no longer hides them; the normalisation keeps the forward process meaningful.
 * Which image feeds the skips is the caller's choice ({@link FewshotModel} uses x_j, see the package notes).
 */
final class SkipAutoencoder extends Module {
    private final AutoencoderConfig config;
    private final Conv2d encIn;
    private final ModuleList<Conv2d> encDown = new ModuleList<>();
    private final ModuleList<ResnetBlock2D> encBlocks = new ModuleList<>();
    private final GroupNorm encNorm;
    private final Conv2d encOut;
    private final Conv2d decIn;
    private final ResnetBlock2D decMid;
    private final ModuleList<Conv2d> decUp = new ModuleList<>();
    private final ModuleList<ResnetBlock2D> decBlocks = new ModuleList<>();
    private final ModuleList<NoiseInjection> decNoise = new ModuleList<>();
    private final GroupNorm decNorm;
    private final Conv2d decOut;

    /** The encoder's output: the unit-RMS latent and the features of the levels above it (level 0 first). */
    record Encoded(Tensor latent, List<Tensor> skips) {
    }

    SkipAutoencoder(AutoencoderConfig config) {
        this.config = config;
        List<Integer> ch = config.channels();
        int levels = ch.size();
        int top = ch.get(levels - 1);
        Container encoder = child("encoder", new Container());
        this.encIn = encoder.childOf("conv_in", new Conv2d(3, ch.get(0), 3, 1, 1));
        encoder.childOf("down", encDown);
        encoder.childOf("blocks", encBlocks);
        for (int l = 1; l < levels; l++) {
            encDown.add(new Conv2d(ch.get(l - 1), ch.get(l), 3, 2, 1));
            encBlocks.add(block(ch.get(l), ch.get(l)));
        }
        this.encNorm = encoder.childOf("norm_out", new GroupNorm(ConvUNet.groups(top), top, 1e-6));
        this.encOut = encoder.childOf("conv_out", new Conv2d(top, config.latentChannels(), 3, 1, 1));
        Container decoder = child("decoder", new Container());
        this.decIn = decoder.childOf("conv_in", new Conv2d(config.latentChannels(), top, 3, 1, 1));
        this.decMid = decoder.childOf("mid", block(top, top));
        decoder.childOf("up", decUp);
        decoder.childOf("blocks", decBlocks);
        decoder.childOf("noise", decNoise);
        for (int l = levels - 2; l >= 0; l--) {
            int c = ch.get(l);
            decUp.add(new Conv2d(ch.get(l + 1), c, 3, 1, 1));
            decBlocks.add(block(config.skips() ? 2 * c : c, c));
            decNoise.add(new NoiseInjection(c));
        }
        this.decNorm = decoder.childOf("norm_out", new GroupNorm(ConvUNet.groups(ch.get(0)), ch.get(0), 1e-6));
        this.decOut = decoder.childOf("conv_out", new Conv2d(ch.get(0), 3, 3, 1, 1));
    }

    private static ResnetBlock2D block(int in, int out) {
        return new ResnetBlock2D(in, out, 0, ConvUNet.groups(out), 1e-6, 0.0);
    }

    /** x (B, 3, H, W) → latent (B, latentChannels, H/f, W/f) of unit RMS per sample, and the skip features. */
    Encoded encode(Tensor x) {
        List<Tensor> skips = new ArrayList<>();
        Tensor h = encIn.forward(x);
        for (int l = 0; l < encBlocks.size(); l++) {
            skips.add(h);
            h = encBlocks.get(l).forward(encDown.get(l).forward(h), null);
        }
        Tensor z = encOut.forward(torch.silu(encNorm.forward(h)));
        if (!config.skips()) {
            return new Encoded(unitRms(z), List.of());
        }
        List<Tensor> out = new ArrayList<>();
        for (int l = 0; l < skips.size(); l++) {
            out.add(config.highPassSkips() ? highPass(skips.get(l), 1 << (skips.size() - l)) : skips.get(l));
        }
        return new Encoded(unitRms(z), out);
    }

    /** s − up(avgpool_f(s)): what is finer than f×f cells (the latent grid), upsampled bilinearly. */
    static Tensor highPass(Tensor s, int f) {
        Tensor low = torch.avg_pool2d(s, new long[]{f, f}, new long[]{f, f}, new long[]{0, 0}, false, true,
                new org.bytedeco.pytorch.LongOptional());
        return s.sub(torch.upsample_bilinear2d(low, new long[]{s.size(2), s.size(3)}, false));
    }

    /**
     * latent, skips (of the image whose structure the output keeps) → image (B, 3, H, W). {@code gen} draws the
     * injected noise; null injects none.
     */
    Tensor decode(Tensor z, List<Tensor> skips, Generator gen) {
        Tensor h = decMid.forward(decIn.forward(z), null);
        int levels = config.channels().size();
        for (int k = 0; k < decBlocks.size(); k++) {
            int level = levels - 2 - k;
            h = decUp.get(k).forward(h);
            h = torch.upsample_nearest2d(h, new long[]{h.size(2) * 2, h.size(3) * 2});
            if (config.skips()) {
                h = Tensors.cat(1, h, skips.get(level));
            }
            h = decBlocks.get(k).forward(h, null);
            if (config.decoderNoise() && gen != null) {
                h = decNoise.get(k).forward(h, gen);
            }
        }
        return decOut.forward(torch.silu(decNorm.forward(h)));
    }

    /** z / √(mean(z²) + ε) over each sample's elements. */
    static Tensor unitRms(Tensor z) {
        Tensor ms = z.pow(Tensors.s(2)).mean(new long[]{1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        return z.div(ms.add(Tensors.s(1e-6)).sqrt());
    }

    /** Multiply-accumulates of one encode and one decode on an h×w image. */
    long[] macs(long h, long w) {
        List<Integer> ch = config.channels();
        long enc = encIn.macs(h, w);
        for (int l = 1; l < ch.size(); l++) {
            long s = h >> l;
            enc += encDown.get(l - 1).macs(s * 2, s * 2) + 2 * s * s * ch.get(l) * ch.get(l) * 9L;
        }
        long top = h >> (ch.size() - 1);
        enc += encOut.macs(top, top);
        long dec = decIn.macs(top, top) + 2 * top * top * ch.get(ch.size() - 1) * ch.get(ch.size() - 1) * 9L;
        for (int l = ch.size() - 2; l >= 0; l--) {
            long s = h >> l;
            long c = ch.get(l);
            long cin = config.skips() ? 2 * c : c;
            dec += (s / 2) * (s / 2) * c * ch.get(l + 1) * 9L + s * s * c * (cin * 9 + c * 9 + (cin != c ? cin : 0));
        }
        dec += decOut.macs(h, w);
        return new long[]{enc, dec};
    }

    /** h + s ⊙ n with n ~ N(0, 1) of shape (B, 1, H, W) and a learned per-channel strength s (zero at start). */
    static final class NoiseInjection extends Module {
        private final Tensor strength;

        NoiseInjection(int channels) {
            this.strength = parameter("strength", torch.zeros(1, channels, 1, 1));
        }

        Tensor forward(Tensor h, Generator gen) {
            Tensor n = Tensors.randn(gen, h.size(0), 1, h.size(2), h.size(3));
            return h.add(n.mul(strength));
        }
    }

    /** A named group of children (the encoder and the decoder halves). */
    static final class Container extends Module {
        <M extends Module> M childOf(String name, M module) {
            return child(name, module);
        }
    }
}
