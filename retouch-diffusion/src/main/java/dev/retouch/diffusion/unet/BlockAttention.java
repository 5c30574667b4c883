package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The layer a UNet block places after a resnet ({@code attentions.j}) is one of two kinds: diffusers' spatial
 * self-{@link Attention} ({@code UNet2DModel}) or a {@link Transformer2DModel} that also cross-attends to a context
 * ({@code UNet2DConditionModel}). The blocks hold either and run them through here.
 */
final class BlockAttention {
    private BlockAttention() {
    }

    /** h (B, C, H, W), context (B, M, D) or null → (B, C, H, W). */
    static Tensor forward(Module layer, Tensor h, Tensor context) {
        if (layer instanceof Transformer2DModel transformer) {
            return transformer.forward(h, context);
        }
        return ((Attention) layer).forward(h, null);
    }

    /** Multiply-accumulates of the layer over a height×width map of {@code channels}, with M context tokens. */
    static long macs(Module layer, long height, long width, long channels, long contextTokens) {
        if (layer instanceof Transformer2DModel transformer) {
            return transformer.macs(height, width, contextTokens);
        }
        return UNet2DModel.attentionMacs(height * width, channels);
    }
}
