package dev.retouch.edit.pixelguide;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pixel features for the classifiers (DatasetDDPM, Baranchuk et al. 2022): the outputs of chosen UNet decoder
 * blocks at (x_t, t), bilinearly upsampled to the image size and concatenated along channels. One UNet pass yields
 * both the network's noise prediction and the features, so guidance costs one forward and one backward per step.
 */
final class UNetFeatures {
    /** The blocks used: the middle block and every decoder block of {@code unet}. */
    public static List<String> decoderBlocks(UNet2DModel unet) {
        List<String> blocks = new java.util.ArrayList<>(List.of("mid_block"));
        for (int i = 0; i < unet.config().levels(); i++) {
            blocks.add("up_blocks." + i);
        }
        return blocks;
    }

    private UNetFeatures() {
    }

    /** The UNet output and the concatenated features (B, F, S, S) of one pass. */
    public record Pass(Tensor modelOutput, Tensor features) {
    }

    /** Runs the UNet at (x, t) and gathers {@code blocks} (gradients flow when enabled by the caller). */
    public static Pass run(UNet2DModel unet, Tensor x, int t, List<String> blocks) {
        Map<String, Tensor> acts = new LinkedHashMap<>();
        Tensor out = unet.forward(x, PixelPipelines.timestepTensor(t, x.size(0)), acts);
        long s = x.size(2);
        Tensor[] parts = new Tensor[blocks.size()];
        for (int i = 0; i < parts.length; i++) {
            Tensor a = acts.get(blocks.get(i));
            if (a == null) {
                throw new IllegalArgumentException("UNet has no feature block '" + blocks.get(i) + "'; known: " + acts.keySet());
            }
            parts[i] = a.size(2) == s ? a : torch.upsample_bilinear2d(a, new long[]{s, s}, false);
        }
        return new Pass(out, Tensors.cat(1, parts));
    }

    /** Number of feature channels the blocks give for this UNet. */
    public static int channels(UNet2DModel unet, List<String> blocks) {
        int s = unet.config().sampleSize();
        try (var ignored = new org.bytedeco.pytorch.NoGradGuard();
             var scope = new org.bytedeco.javacpp.PointerScope()) {
            Tensor x = torch.zeros(1, unet.config().inChannels(), s, s);
            return (int) run(unet, x, 0, blocks).features().size(1);
        }
    }
}
