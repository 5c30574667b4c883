package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The latent-diffusion denoiser of Rombach et al. 2022 (§3.3): a UNet over latents whose levels with
 * cross-attention hold a {@link Transformer2DModel} after every resnet, attending to a context such as text-encoder
 * states. Laid out and named like diffusers' {@code UNet2DConditionModel} so Stable Diffusion checkpoints load key
 * for key: {@code conv_in}, {@code time_embedding.linear_1/2} (over sinusoidal {@code time_proj} features, which
 * have no weights), {@code down_blocks.i}, {@code mid_block}, {@code up_blocks.i}, {@code conv_norm_out},
 * {@code conv_out}. It never sees a schedule: it maps (z_t, t, context) to the network output.
 */
public final class UNet2DConditionModel extends Module {
    private final UNet2DConditionConfig config;
    private final Conv2d convIn;
    private final TimestepEmbedding timeEmbedding;
    private final ModuleList<DownBlock2D> downBlocks = new ModuleList<>();
    private final MidBlock2D midBlock;
    private final ModuleList<UpBlock2D> upBlocks = new ModuleList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public UNet2DConditionModel(UNet2DConditionConfig c) {
        this.config = c;
        ResnetSpec resnet = new ResnetSpec(c.timeEmbedDim(), c.normGroups(), c.normEps(), c.dropout());
        this.convIn = child("conv_in", new Conv2d(c.inChannels(), c.channels(0), 3, 1, 1));
        this.timeEmbedding = child("time_embedding",
                new TimestepEmbedding(c.channels(0), c.timeEmbedDim(), c.flipSinToCos(), c.freqShift()));
        child("down_blocks", downBlocks);
        int n = c.levels();
        for (int i = 0; i < n; i++) {
            int in = c.channels(Math.max(i - 1, 0));
            downBlocks.add(new DownBlock2D(in, c.channels(i), c.layersPerBlock(), resnet, transformersAt(i), i < n - 1));
        }
        this.midBlock = child("mid_block", new MidBlock2D(c.channels(n - 1), resnet, transformer(n - 1)));
        child("up_blocks", upBlocks);
        for (int i = 0; i < n; i++) {
            int level = n - 1 - i;
            int prevOut = c.channels(Math.min(level + 1, n - 1));
            int skipIn = c.channels(Math.max(level - 1, 0));
            upBlocks.add(new UpBlock2D(prevOut, c.channels(level), skipIn, c.layersPerBlock() + 1, resnet,
                    transformersAt(level), level > 0));
        }
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normGroups(), c.channels(0), c.normEps()));
        this.convOut = child("conv_out", new Conv2d(c.channels(0), c.outChannels(), 3, 1, 1));
    }

    private Supplier<Transformer2DModel> transformersAt(int level) {
        return config.crossAttentionAt(level) ? () -> transformer(level) : null;
    }

    private Transformer2DModel transformer(int level) {
        UNet2DConditionConfig c = config;
        return new Transformer2DModel(c.channels(level), c.heads(level), c.headDim(level),
                c.transformerLayersPerBlock(), c.crossAttentionDim(), c.normGroups(), c.useLinearProjection());
    }

    public UNet2DConditionConfig config() {
        return config;
    }

    /**
     * sample (B, in, H, W) with H and W multiples of {@link UNet2DConditionConfig#sizeMultiple()} (any size, not
     * only {@code sampleSize}), timesteps (B) or a single one for the whole batch (float or integer),
     * context (B, M, crossAttentionDim) → (B, out, H, W).
     */
    public Tensor forward(Tensor sample, Tensor timesteps, Tensor context) {
        return forward(sample, timesteps, context, null);
    }

    /**
     * {@link #forward(Tensor, Tensor, Tensor)} with an optional additive {@code positional} tensor (1 or B,
     * blockOutChannels[0], H, W) added to the output of {@code conv_in} (SINE's positional embedding of the crop
     * box, Zhang et al. 2023 §3.3). Null is exactly the plain forward pass.
     */
    public Tensor forward(Tensor sample, Tensor timesteps, Tensor context, Tensor positional) {
        checkInputs(sample, timesteps, context);
        // weights placed elsewhere (e.g. CUDA, fp16): the inputs go there, the answer comes back like the input
        Tensor input = sample;
        Tensor w = convIn.weight();
        sample = Tensors.placedLike(w, sample);
        timesteps = Tensors.onDeviceOf(w, timesteps);
        context = context == null ? null : Tensors.placedLike(w, context);
        positional = positional == null ? null : Tensors.placedLike(w, positional);
        long b = sample.size(0);
        Tensor temb = timeEmbedding.forward(timesteps.numel() == 1 ? timesteps.reshape(1).expand(b) : timesteps);
        Tensor h = convIn.forward(sample); // (B, C0, H, W)
        if (positional != null) {
            checkPositional(positional, h);
            h = h.add(positional);
        }
        List<Tensor> skips = new ArrayList<>();
        skips.add(h);
        for (DownBlock2D block : downBlocks) {
            h = block.forward(h, temb, context, skips);
        }
        h = midBlock.forward(h, temb, context);
        for (UpBlock2D block : upBlocks) {
            h = block.forward(h, temb, context, skips);
        }
        return Tensors.placedLike(input, convOut.forward(torch.silu(convNormOut.forward(h))));
    }

    private static void checkPositional(Tensor positional, Tensor h) {
        long[] p = Tensors.shape(positional);
        long[] s = Tensors.shape(h);
        if (p.length != 4 || (p[0] != 1 && p[0] != s[0]) || p[1] != s[1] || p[2] != s[2] || p[3] != s[3]) {
            throw new IllegalArgumentException("UNet2DConditionModel: positional must be (1 or " + s[0] + ", " + s[1]
                    + ", " + s[2] + ", " + s[3] + ") like conv_in's output, found " + Tensors.shapeString(positional));
        }
    }

    private void checkInputs(Tensor sample, Tensor timesteps, Tensor context) {
        long[] x = Tensors.shape(sample);
        int k = config.sizeMultiple();
        if (x.length != 4 || x[1] != config.inChannels() || x[2] % k != 0 || x[3] % k != 0 || x[2] == 0 || x[3] == 0) {
            throw new IllegalArgumentException("UNet2DConditionModel: sample must be (B, " + config.inChannels()
                    + ", H, W) with H and W positive multiples of " + k + ", found " + Tensors.shapeString(sample));
        }
        if (timesteps.numel() != 1 && (timesteps.dim() != 1 || timesteps.size(0) != x[0])) {
            throw new IllegalArgumentException("UNet2DConditionModel: timesteps must be (" + x[0]
                    + ") or a single value, found " + Tensors.shapeString(timesteps));
        }
        if (context == null || context.dim() != 3 || context.size(0) != x[0]
                || context.size(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet2DConditionModel: context must be (" + x[0] + ", M, "
                    + config.crossAttentionDim() + "), found " + (context == null ? "null" : Tensors.shapeString(context)));
        }
    }

    /**
     * Multiply-accumulates of one forward pass of one height×width sample with M context tokens: convolutions,
     * linear maps and attention products (norms, activations and the softmax are not counted).
     */
    public long macs(long height, long width, long contextTokens) {
        long m = convIn.macs(height, width) + timeEmbedding.macs() + convOut.macs(height, width);
        int n = config.levels();
        for (int i = 0; i < n; i++) {
            m += downBlocks.get(i).macs(height >> i, width >> i, contextTokens);
            int level = n - 1 - i;
            m += upBlocks.get(i).macs(height >> level, width >> level, contextTokens);
        }
        return m + midBlock.macs(height >> (n - 1), width >> (n - 1), contextTokens);
    }
}
