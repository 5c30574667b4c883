package dev.retouch.diffusion.unet;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The full Stable Diffusion 1.5 UNet built from its config: parameter count, key names and shapes. Allocates about
 * 3.5 GB of float32 weights, so it runs only with {@code -Dretouch.largeModelTests=true}; the always-on tests check
 * the same count from the architecture and the same names on a narrow copy of the structure.
 */
@EnabledIfSystemProperty(named = "retouch.largeModelTests", matches = "true")
class UNet2DConditionLargeTest {

    @Test
    void stableDiffusion15UnetHasTheDiffusersParametersAndShapes() {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.stableDiffusion15());
        assertEquals(859_520_964L, m.parameterCount());
        Map<String, Tensor> sd = m.stateDict();
        UNet2DConditionModelTest.assertStableDiffusion15Keys(sd);
        Map<String, long[]> shapes = Map.of(
                "conv_in.weight", new long[]{320, 4, 3, 3},
                "time_embedding.linear_1.weight", new long[]{1280, 320},
                "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", new long[]{320, 768},
                "down_blocks.1.resnets.0.conv_shortcut.weight", new long[]{640, 320, 1, 1},
                "mid_block.attentions.0.proj_in.weight", new long[]{1280, 1280, 1, 1},
                "mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight", new long[]{1280, 5120},
                "up_blocks.0.resnets.2.conv1.weight", new long[]{1280, 2560, 3, 3},
                "up_blocks.3.resnets.0.conv1.weight", new long[]{320, 960, 3, 3},
                "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight", new long[]{2560, 320},
                "conv_out.weight", new long[]{4, 320, 3, 3});
        shapes.forEach((k, shape) -> assertArrayEquals(shape, Tensors.shape(sd.get(k)), k));
        assertEquals(m.parameterCount(), UNet2DConditionModelTest.analyticParameterCount(m.config()));
    }
}
