package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers' {@code Transformer2DModel} on feature maps (the "spatial transformer" of Rombach et al. 2022):
 * {@code norm} (GroupNorm, eps 1e-6) → {@code proj_in} → the feature map as H·W tokens through
 * {@code transformer_blocks.i} → {@code proj_out} → plus the input. The projections are 1×1 convolutions
 * (Stable Diffusion 1.x) or linear maps on the tokens ({@code use_linear_projection}, Stable Diffusion 2.x); both
 * compute the same function but store differently shaped weights.
 */
final class Transformer2DModel extends Module {
    private final GroupNorm norm;
    private final Conv2d convIn;
    private final Linear linearIn;
    private final ModuleList<BasicTransformerBlock> transformerBlocks = new ModuleList<>();
    private final Conv2d convOut;
    private final Linear linearOut;
    private final long channels;
    private final long inner;

    /**
     * @param channels         channels of the feature map
     * @param layers           number of transformer blocks
     * @param contextDim       width of the context tokens
     * @param linearProjection {@code proj_in/proj_out} as Linear (true) or 1×1 Conv2d (false)
     */
    public Transformer2DModel(int channels, int heads, int headDim, int layers, int contextDim, int normGroups,
                              boolean linearProjection) {
        int inner = heads * headDim;
        this.channels = channels;
        this.inner = inner;
        this.norm = child("norm", new GroupNorm(normGroups, channels, 1e-6));
        this.convIn = linearProjection ? null : child("proj_in", new Conv2d(channels, inner, 1, 1, 0));
        this.linearIn = linearProjection ? child("proj_in", new Linear(channels, inner)) : null;
        child("transformer_blocks", transformerBlocks);
        for (int i = 0; i < layers; i++) {
            transformerBlocks.add(new BasicTransformerBlock(inner, heads, headDim, contextDim));
        }
        this.convOut = linearProjection ? null : child("proj_out", new Conv2d(inner, channels, 1, 1, 0));
        this.linearOut = linearProjection ? child("proj_out", new Linear(inner, channels)) : null;
    }

    /** x (B, C, H, W), context (B, M, D) → (B, C, H, W). */
    public Tensor forward(Tensor x, Tensor context) {
        return dev.retouch.core.tensor.Tensors.scoped(() -> {
            long b = x.size(0);
            long height = x.size(2);
            long width = x.size(3);
            Tensor h = norm.forward(x);
            if (convIn != null) {
                h = convIn.forward(h);                                                // (B, inner, H, W)
            }
            h = h.reshape(b, h.size(1), height * width).transpose(1, 2);             // (B, HW, ·)
            if (linearIn != null) {
                h = linearIn.forward(h);                                              // (B, HW, inner)
            }
            for (BasicTransformerBlock block : transformerBlocks) {
                h = block.forward(h, context);
            }
            if (linearOut != null) {
                h = linearOut.forward(h);                                             // (B, HW, C)
            }
            h = h.transpose(1, 2).reshape(b, h.size(2), height, width);              // (B, ·, H, W)
            if (convOut != null) {
                h = convOut.forward(h);                                               // (B, C, H, W)
            }
            return h.add(x);
        });
    }

    /** Multiply-accumulates over a height×width map with M context tokens. */
    long macs(long height, long width, long contextTokens) {
        long tokens = height * width;
        long m = 2 * tokens * channels * inner;
        for (BasicTransformerBlock block : transformerBlocks) {
            m += block.macs(tokens, contextTokens);
        }
        return m;
    }
}
