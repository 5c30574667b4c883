package dev.retouch.edit.sine;

import dev.retouch.diffusion.unet.UNet2DConditionConfig;

import java.nio.file.Path;

/**
 * The {@code config.json} of a fine-tuned SINE model directory. The directory stores the whole fine-tuned UNet
 * (fp16): a difference to the base would be as large in fp16, since fine-tuning moves every weight.
 *
 * @param type           always {@link #TYPE}
 * @param formatVersion  {@link #FORMAT_VERSION}
 * @param base           the pretrained latent diffusion model directory, relative to this directory
 * @param classWord      the coarse class descriptor of "a photo of a sks &lt;class&gt;"
 * @param variant        patches with positional embedding, or the whole image without
 * @param unet           the UNet structure (must equal the base model's)
 * @param positional     the positional grid (used only by {@link Variant#PATCHES})
 * @param imageSize      side of the square training image in pixels
 * @param minCropFraction smallest crop side as a fraction of the image side
 * @param steps          fine-tuning steps run
 */
public record SineConfig(String type, int formatVersion, String base, String classWord, Variant variant,
                         UNet2DConditionConfig unet, Positional positional, int imageSize, double minCropFraction,
                         int steps) {
    public static final String TYPE = "sine";
    public static final int FORMAT_VERSION = 1;

    /** The grid of {@link PositionalGrid}: channels and size in latent cells. */
    public record Positional(int channels, int gridHeight, int gridWidth, double temperature) {
        public Positional {
            if (channels < 4 || channels % 4 != 0 || gridHeight < 1 || gridWidth < 1
                    || temperature != PositionalGrid.TEMPERATURE) {
                throw new IllegalArgumentException("positional needs channels a multiple of 4, a grid of at least 1×1 "
                        + "and temperature " + PositionalGrid.TEMPERATURE + ", got " + channels + ", " + gridHeight
                        + "×" + gridWidth + ", " + temperature);
            }
        }

        public PositionalGrid grid() {
            return new PositionalGrid(channels, gridHeight, gridWidth);
        }
    }

    public SineConfig {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("config type must be '" + TYPE + "', found '" + type + "'");
        }
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + formatVersion + " is not supported (this build "
                    + "reads version " + FORMAT_VERSION + ")");
        }
        checkClassWord(classWord);
        if (base == null || base.isBlank() || variant == null || unet == null || positional == null) {
            throw new IllegalArgumentException("config needs 'base', 'variant', 'unet' and 'positional'");
        }
        if (positional.channels() != unet.channels(0)) {
            throw new IllegalArgumentException("positional channels " + positional.channels() + " differ from the "
                    + "UNet's first-level channels " + unet.channels(0));
        }
        if (imageSize < 1 || !(minCropFraction > 0 && minCropFraction <= 1) || steps < 0) {
            throw new IllegalArgumentException("need imageSize >= 1, minCropFraction in (0, 1] and steps >= 0");
        }
    }

    /** Fails unless {@code word} is a non-blank single line. */
    public static String checkClassWord(String word) {
        if (word == null || word.isBlank()) {
            throw new IllegalArgumentException("the class word is empty; give a coarse class such as 'face' or 'heart'");
        }
        if (word.contains("\n") || word.contains("\r")) {
            throw new IllegalArgumentException("the class word must be one line, got '" + word + "'");
        }
        return word.strip();
    }

    /** The fine-tuning prompt ĉ: "a photo of a sks &lt;class&gt;". */
    public String prompt() {
        return prompt(classWord);
    }

    public static String prompt(String classWord) {
        return "a photo of a sks " + classWord.strip();
    }

    /** The base model's directory for a model stored in {@code dir}. */
    public Path baseDir(Path dir) {
        return dir.resolve(base).normalize();
    }
}
