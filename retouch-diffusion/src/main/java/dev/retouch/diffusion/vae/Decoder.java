package dev.retouch.diffusion.vae;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.diffusion.unet.MidBlock2D;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * diffusers' autoencoder {@code Decoder}: {@code conv_in} from L channels, {@code mid_block}, {@code up_blocks.i}
 * over the reversed channel list with layersPerBlock + 1 resnets each (every level but the last upsamples),
 * {@code conv_norm_out}, SiLU, {@code conv_out}.
 */
final class Decoder extends Module {
    private final Conv2d convIn;
    private final MidBlock2D midBlock;
    private final ModuleList<UpDecoderBlock2D> upBlocks = child("up_blocks", new ModuleList<>());
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Decoder(AutoencoderKLConfig c) {
        List<Integer> ch = c.blockOutChannels();
        int n = ch.size();
        int top = ch.get(n - 1);
        this.convIn = child("conv_in", new Conv2d(c.latentChannels(), top, 3, 1, 1));
        this.midBlock = child("mid_block", AutoencoderKL.midBlock(top, c));
        for (int i = 0; i < n; i++) {
            int in = ch.get(n - 1 - Math.max(0, i - 1));
            upBlocks.add(new UpDecoderBlock2D(in, ch.get(n - 1 - i), c.layersPerBlock() + 1, c.normGroups(),
                    c.normEps(), i < n - 1));
        }
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normGroups(), ch.get(0), c.normEps()));
        this.convOut = child("conv_out", new Conv2d(ch.get(0), c.outChannels(), 3, 1, 1));
    }

    /** z (B, L, h, w) → (B, C, h·f, w·f), unbounded (≈ [−1, 1]). */
    Tensor forward(Tensor z) {
        Tensor h = midBlock.forward(convIn.forward(z), null);
        for (UpDecoderBlock2D block : upBlocks) {
            h = block.forward(h);
        }
        return convOut.forward(torch.silu(convNormOut.forward(h)));
    }
}
