package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.ResnetBlock2D;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * A small convolutional U-Net (no time input): a stem convolution (stride 1 or 2), one residual block per level,
 * stride-2 convolutions between levels, and on the way up nearest ×2 upsampling, concatenation with the level's
 * skip and a residual block. Used as M_x's backbone and as the pix2pix-style baseline generator. Output at the
 * stem's resolution.
 */
final class ConvUNet extends Module {
    private final Conv2d stem;
    private final ModuleList<Conv2d> down = new ModuleList<>();
    private final ModuleList<ResnetBlock2D> encode = new ModuleList<>();
    private final ModuleList<ResnetBlock2D> decode = new ModuleList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;
    private final boolean zeroOut;
    private final List<Integer> channels;
    private final int stemStride;

    /**
     * @param zeroOut start with a zero output (so a predicted offset starts at the identity)
     */
    ConvUNet(int in, int out, List<Integer> channels, int stemStride, boolean zeroOut) {
        this.channels = List.copyOf(channels);
        this.stemStride = stemStride;
        this.zeroOut = zeroOut;
        int c0 = channels.get(0);
        this.stem = child("stem", new Conv2d(in, c0, 3, stemStride, 1));
        child("down", down);
        child("encode", encode);
        child("decode", decode);
        for (int l = 0; l < channels.size(); l++) {
            int c = channels.get(l);
            if (l > 0) {
                down.add(new Conv2d(channels.get(l - 1), c, 3, 2, 1));
            }
            encode.add(new ResnetBlock2D(c, c, 0, groups(c), 1e-6, 0.0));
        }
        for (int l = channels.size() - 2; l >= 0; l--) {
            int c = channels.get(l);
            decode.add(new ResnetBlock2D(channels.get(l + 1) + c, c, 0, groups(c), 1e-6, 0.0));
        }
        this.normOut = child("norm_out", new GroupNorm(groups(c0), c0, 1e-6));
        this.convOut = child("conv_out", new Conv2d(c0, out, 3, 1, 1));
    }

    @Override
    protected void finishInitialization() {
        if (zeroOut) {
            zeroParameters(convOut);
        }
    }

    /** Largest of 8, 4, 2, 1 groups that divides {@code c}. */
    static int groups(int c) {
        for (int g = 8; g > 1; g /= 2) {
            if (c % g == 0) return g;
        }
        return 1;
    }

    /** (B, in, H, W) → (B, out, H / stemStride, W / stemStride). */
    Tensor forward(Tensor x) {
        List<Tensor> skips = new ArrayList<>();
        Tensor h = encode.get(0).forward(stem.forward(x), null);
        for (int l = 1; l < channels.size(); l++) {
            skips.add(h);
            h = encode.get(l).forward(down.get(l - 1).forward(h), null);
        }
        for (int k = 0; k < decode.size(); k++) {
            Tensor skip = skips.get(skips.size() - 1 - k);
            Tensor up = torch.upsample_nearest2d(h, new long[]{skip.size(2), skip.size(3)});
            h = decode.get(k).forward(Tensors.cat(1, up, skip), null);
        }
        return convOut.forward(torch.silu(normOut.forward(h)));
    }

    /** Multiply-accumulates of one forward pass on an h×w input (convolutions only). */
    long macs(long h, long w) {
        long r = h / stemStride;
        long m = stem.macs(h, w) + convOut.macs(r, r);
        for (int l = 0; l < channels.size(); l++) {
            long s = r >> l;
            long c = channels.get(l);
            m += 2 * s * s * c * c * 9;                                  // encode block
            if (l > 0) m += down.get(l - 1).macs(s * 2, s * 2);
            if (l < channels.size() - 1) {
                long cin = channels.get(l + 1) + c;
                m += s * s * c * (cin * 9 + c * 9 + cin);                // decode block: conv1, conv2, shortcut
            }
        }
        return m;
    }
}
