package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Module;
import dev.retouch.diffusion.unet.UNet2DModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * config.json of a rectifier (paper 002, supplementary Fig. 9, sized for 32×32 images): a ResNet-style global
 * encoder over the 6-channel [x₀, x̂₀(x_t)] and one subnet per modulated convolution.
 *
 * @param type            {@link #TYPE}
 * @param formatVersion   {@link #FORMAT_VERSION}
 * @param base            the base pixel model: a shipped model's name, or its directory relative to the rectifier's
 *                        (the base is not copied)
 * @param imageSize       the base model's image side
 * @param encoderChannels widths of the encoder's stages, each halving the resolution (32 → 16 → 8 → 4 for three)
 * @param subnetChannels  width of every subnet
 * @param timeDim         width of the sinusoidal time embedding
 * @param layers          the modulated convolutions: every convolution of the base UNet's middle and up blocks
 */
public record RectifierConfig(String type, int formatVersion, String base, int imageSize, List<Integer> encoderChannels,
                              int subnetChannels, int timeDim, List<Layer> layers) {
    public static final String TYPE = "rectifier";
    public static final int FORMAT_VERSION = 1;

    /** One modulated convolution: its parameter path in the UNet and its kernel's shape. */
    public record Layer(String name, int in, int out, int kernel) {
    }

    public RectifierConfig {
        if (!TYPE.equals(type) || formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("not a rectifier config of format " + FORMAT_VERSION + ": " + type
                    + " v" + formatVersion);
        }
        if (encoderChannels.isEmpty() || layers.isEmpty() || subnetChannels < 1 || timeDim < 2 || timeDim % 2 != 0) {
            throw new IllegalArgumentException("rectifier config: encoder stages, layers, subnet width >= 1 and an "
                    + "even time width are required");
        }
        if (imageSize >> encoderChannels.size() < 1) {
            throw new IllegalArgumentException("rectifier config: " + encoderChannels.size() + " stages halve "
                    + imageSize + " px below 1");
        }
        encoderChannels = List.copyOf(encoderChannels);
        layers = List.copyOf(layers);
    }

    /** This config with other layers (e.g. for a UNet of another shape). */
    public RectifierConfig withLayers(List<Layer> other) {
        return new RectifierConfig(type, formatVersion, base, imageSize, encoderChannels, subnetChannels, timeDim, other);
    }

    /** This config referring to its base model as {@code ref} (a shipped model's name or a relative path). */
    public RectifierConfig withBase(String ref) {
        return new RectifierConfig(type, formatVersion, ref, imageSize, encoderChannels, subnetChannels, timeDim, layers);
    }

    /** The default rectifier of a base UNet: three encoder stages (32, 64, 128), subnets of 32, time width 128. */
    public static RectifierConfig forUnet(UNet2DModel unet, String baseRef) {
        return new RectifierConfig(TYPE, FORMAT_VERSION, baseRef, unet.config().sampleSize(), List.of(32, 64, 128), 32,
                128, modulatedLayers(unet));
    }

    /** Every convolution under the UNet's {@code mid_block} and {@code up_blocks}, in module order. */
    public static List<Layer> modulatedLayers(UNet2DModel unet) {
        List<Layer> out = new ArrayList<>();
        for (var e : convolutions(unet).entrySet()) {
            Conv2d c = e.getValue();
            out.add(new Layer(e.getKey(), (int) c.inChannels, (int) c.outChannels, (int) c.kernel));
        }
        return out;
    }

    /** The modulated convolutions of a UNet by parameter path (e.g. {@code up_blocks.0.resnets.1.conv2}). */
    static Map<String, Conv2d> convolutions(UNet2DModel unet) {
        Map<String, Conv2d> out = new java.util.LinkedHashMap<>();
        for (String root : List.of("mid_block", "up_blocks")) {
            collect(root, unet.children().get(root), out);
        }
        return out;
    }

    private static void collect(String path, Module m, Map<String, Conv2d> out) {
        if (m instanceof Conv2d c) {
            out.put(path, c);
            return;
        }
        m.children().forEach((name, child) -> collect(path + "." + name, child, out));
    }
}
