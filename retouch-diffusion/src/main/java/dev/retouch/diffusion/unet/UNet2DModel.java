package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The pixel-space denoiser of DDPM (Ho et al. 2020, App. B), laid out and named like diffusers' {@code UNet2DModel}
 * so its state dict uses the same keys: {@code conv_in}, {@code time_embedding.linear_1/2}, {@code down_blocks.i},
 * {@code mid_block}, {@code up_blocks.i}, {@code conv_norm_out}, {@code conv_out}. It never sees a schedule: it maps
 * (x_t, t) to the network output.
 */
public final class UNet2DModel extends Module {
    private final UNet2DConfig config;
    private final Conv2d convIn;
    private final TimestepEmbedding timeEmbedding;
    private final ModuleList<DownBlock2D> downBlocks = new ModuleList<>();
    private final MidBlock2D midBlock;
    private final ModuleList<UpBlock2D> upBlocks = new ModuleList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public UNet2DModel(UNet2DConfig c) {
        this.config = c;
        int temb = c.timeEmbedDim();
        ResnetSpec resnet = new ResnetSpec(temb, c.normGroups(), c.normEps(), c.dropout());
        this.convIn = child("conv_in", new Conv2d(c.inChannels(), c.channels(0), 3, 1, 1));
        this.timeEmbedding = child("time_embedding", new TimestepEmbedding(c.baseChannels(), temb, c.flipSinToCos(), c.freqShift()));
        child("down_blocks", downBlocks);
        int n = c.levels();
        for (int i = 0; i < n; i++) {
            int in = i == 0 ? c.channels(0) : c.channels(i - 1);
            downBlocks.add(new DownBlock2D(in, c.channels(i), c.layersPerBlock(), resnet, attentionAt(i), i < n - 1));
        }
        this.midBlock = child("mid_block", new MidBlock2D(c.channels(n - 1), resnet, selfAttention(c.channels(n - 1), c)));
        child("up_blocks", upBlocks);
        for (int i = 0; i < n; i++) {
            int level = n - 1 - i;
            int prevOut = c.channels(Math.min(level + 1, n - 1));
            int skipIn = c.channels(Math.max(level - 1, 0));
            upBlocks.add(new UpBlock2D(prevOut, c.channels(level), skipIn, c.layersPerBlock() + 1, resnet,
                    attentionAt(level), level > 0));
        }
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normGroups(), c.channels(0), c.normEps()));
        this.convOut = child("conv_out", new Conv2d(c.channels(0), c.outChannels(), 3, 1, 1));
    }

    public UNet2DConfig config() {
        return config;
    }

    /** x (B, in, H, W), t (B) timesteps → (B, out, H, W). */
    public Tensor forward(Tensor x, Tensor t) {
        return forward(x, t, null);
    }

    /**
     * As {@link #forward(Tensor, Tensor)}, also storing each decoder block's output in {@code features} under
     * {@code up_blocks.i} (and the middle block's under {@code mid_block}) when the map is not null.
     */
    public Tensor forward(Tensor x, Tensor t, Map<String, Tensor> features) {
        return decode(encode(x, t), features);
    }

    /** What the first half of a pass computes: the time embedding, the down path's output and its skips. */
    public record Encoded(Tensor temb, Tensor h, List<Tensor> skips) {
        public Encoded {
            skips = List.copyOf(skips);
        }
    }

    /**
     * The time embedding, {@code conv_in} and the down blocks: the part of a pass that {@link #decode} continues.
     * A caller that runs the second half twice with different middle/up weights (the rectifier, whose offsets touch
     * only those) computes this once.
     */
    public Encoded encode(Tensor x, Tensor t) {
        Tensor temb = timeEmbedding.forward(t.numel() == 1 && x.size(0) > 1 ? t.expand(x.size(0)) : t);
        Tensor h = convIn.forward(x);
        List<Tensor> skips = new ArrayList<>();
        skips.add(h);
        for (DownBlock2D block : downBlocks) {
            h = block.forward(h, temb, null, skips);
        }
        return new Encoded(temb, h, skips);
    }

    /** The middle and up blocks and the output layers over {@code e}, which stays as it was (it may be decoded again). */
    public Tensor decode(Encoded e) {
        return decode(e, null);
    }

    private Tensor decode(Encoded e, Map<String, Tensor> features) {
        List<Tensor> skips = new ArrayList<>(e.skips());
        Tensor h = midBlock.forward(e.h(), e.temb(), null);
        if (features != null) {
            features.put("mid_block", h);
        }
        for (int i = 0; i < upBlocks.size(); i++) {
            h = upBlocks.get(i).forward(h, e.temb(), null, skips);
            if (features != null) {
                features.put("up_blocks." + i, h);
            }
        }
        return convOut.forward(torch.silu(convNormOut.forward(h)));
    }

    /** Multiply-accumulates of one forward pass of one image (convolutions, linears and attention products). */
    public long macsPerImage() {
        long s = config.sampleSize();
        long m = convIn.macs(s, s) + timeEmbedding.macs() + convOut.macs(s, s);
        for (int i = 0; i < downBlocks.size(); i++) {
            m += downBlocks.get(i).macs(config.resolution(i), config.resolution(i), 0);
        }
        int n = config.levels();
        m += midBlock.macs(config.resolution(n - 1), config.resolution(n - 1), 0);
        for (int i = 0; i < upBlocks.size(); i++) {
            m += upBlocks.get(i).macs(config.resolution(n - 1 - i), config.resolution(n - 1 - i), 0);
        }
        return m;
    }

    private Supplier<Attention> attentionAt(int level) {
        return config.attentionAt(level) ? () -> selfAttention(config.channels(level), config) : null;
    }

    /** The spatial self-attention block of UNet2DModel: heads = channels / head dim, input GroupNorm, residual. */
    static Attention selfAttention(int channels, UNet2DConfig c) {
        return new Attention(channels, 0, channels / c.attentionHeadDim(), c.attentionHeadDim(), true, c.normGroups(),
                true, 1.0);
    }

    /** MACs of one self-attention over N tokens of C channels: q, k, v, out projections and the two products. */
    static long attentionMacs(long tokens, long channels) {
        return 4 * tokens * channels * channels + 2 * tokens * tokens * channels;
    }
}
