package dev.retouch.edit.fewshot;

import java.util.List;

/**
 * The pix2pix-style baseline: a U-Net generator mapping the image before to the image after directly.
 *
 * @param imageSize side of the square images
 * @param channels  U-Net channels per level, level 0 at full resolution
 */
public record RegressorConfig(int imageSize, List<Integer> channels) {
    public RegressorConfig {
        channels = List.copyOf(channels);
        if (channels.size() < 2 || channels.stream().anyMatch(c -> c < 4 || c % 4 != 0)) {
            throw new IllegalArgumentException("RegressorConfig: need >= 2 levels of channels, multiples of 4, got "
                    + channels);
        }
        if (imageSize < 8 || imageSize % (1 << (channels.size() - 1)) != 0) {
            throw new IllegalArgumentException("RegressorConfig: imageSize " + imageSize + " must be divisible by "
                    + (1 << (channels.size() - 1)));
        }
    }

    /** 64×64, four levels down to 8×8. */
    public static RegressorConfig emoji() {
        return new RegressorConfig(64, List.of(16, 32, 64, 128));
    }

    public static RegressorConfig tiny() {
        return new RegressorConfig(16, List.of(8, 16));
    }
}
