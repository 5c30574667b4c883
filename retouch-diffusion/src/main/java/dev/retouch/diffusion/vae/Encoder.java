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
 * diffusers' autoencoder {@code Encoder}: {@code conv_in}, {@code down_blocks.i} (every level but the last
 * downsamples), {@code mid_block} (resnet, single-head self-attention, resnet), {@code conv_norm_out}, SiLU,
 * {@code conv_out} to 2·L channels (the posterior's mean and log-variance).
 */
final class Encoder extends Module {
    private final Conv2d convIn;
    private final ModuleList<DownEncoderBlock2D> downBlocks = child("down_blocks", new ModuleList<>());
    private final MidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Encoder(AutoencoderKLConfig c) {
        List<Integer> ch = c.blockOutChannels();
        this.convIn = child("conv_in", new Conv2d(c.inChannels(), ch.get(0), 3, 1, 1));
        for (int i = 0; i < ch.size(); i++) {
            downBlocks.add(new DownEncoderBlock2D(ch.get(Math.max(0, i - 1)), ch.get(i), c.layersPerBlock(),
                    c.normGroups(), c.normEps(), i < ch.size() - 1));
        }
        int top = ch.get(ch.size() - 1);
        this.midBlock = child("mid_block", AutoencoderKL.midBlock(top, c));
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normGroups(), top, c.normEps()));
        this.convOut = child("conv_out", new Conv2d(top, 2 * c.latentChannels(), 3, 1, 1));
    }

    /** (B, C, H, W) in [−1, 1] → moments (B, 2L, H/f, W/f). */
    Tensor forward(Tensor x) {
        Tensor h = convIn.forward(x);
        for (DownEncoderBlock2D block : downBlocks) {
            h = block.forward(h);
        }
        h = midBlock.forward(h, null);
        return convOut.forward(torch.silu(convNormOut.forward(h)));
    }
}
