package dev.retouch.edit.portrait;

import dev.retouch.diffusion.unet.UNet2DConditionConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code config.json} of a portrait model directory (paper 003's multi-conditioned diffusion model, MCDM).
 *
 * @param type          always {@link #TYPE}
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param base          the latent diffusion model it was initialised from (its autoencoder, text encoder and noise
 *                      schedule are used), relative to this directory
 * @param task          the {@link PortraitTask} name
 * @param sourcePrompt  p_a, the reconstruction prompt
 * @param targets       the target prompts p_b it was trained on
 * @param unet          the UNet: the base's structure with {@code inChannels} = 2 × the latent channels
 * @param imageTokens   K, the adapter's output tokens
 * @param variant       which conditions the model was trained with (the paper's ablations)
 * @param steps         training steps run
 */
public record PortraitConfig(String type, int formatVersion, String base, String task, String sourcePrompt,
                             List<String> targets, UNet2DConditionConfig unet, int imageTokens, Variant variant,
                             int steps) {
    public static final String TYPE = "portrait";
    public static final int FORMAT_VERSION = 1;

    /**
     * The trained conditions: the full model, or one of the paper's ablations (Table 1: w/o spatial input, w/o image
     * embeddings, w/o pretraining). A condition the variant lacks is always the null condition, in training and use.
     */
    public record Variant(boolean spatial, boolean imageEmbeddings, boolean pretrained) {
        public static final Variant FULL = new Variant(true, true, true);

        /** The variant called {@code name}: full, no-spatial, no-image-embeddings, no-pretraining. */
        public static Variant parse(String name) {
            return switch (name) {
                case "full" -> FULL;
                case "no-spatial" -> new Variant(false, true, true);
                case "no-image-embeddings" -> new Variant(true, false, true);
                case "no-pretraining" -> new Variant(true, true, false);
                default -> throw new dev.retouch.core.InvalidRequestException("unknown portrait variant '" + name
                        + "': expected full, no-spatial, no-image-embeddings or no-pretraining");
            };
        }

        public String id() {
            if (!spatial) {
                return "no-spatial";
            }
            if (!imageEmbeddings) {
                return "no-image-embeddings";
            }
            return pretrained ? "full" : "no-pretraining";
        }
    }

    public PortraitConfig {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("config type must be '" + TYPE + "', found '" + type + "'");
        }
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + formatVersion + " is not supported (this build "
                    + "reads version " + FORMAT_VERSION + ")");
        }
        if (base == null || base.isBlank() || task == null || sourcePrompt == null || targets == null
                || targets.isEmpty() || unet == null || variant == null) {
            throw new IllegalArgumentException("config needs 'base', 'task', 'sourcePrompt', 'targets', 'unet' and "
                    + "'variant'");
        }
        if (unet.inChannels() != 2 * unet.outChannels() || imageTokens < 1 || steps < 0) {
            throw new IllegalArgumentException("the UNet must read twice the channels it writes (noisy latent and "
                    + "source latent), and imageTokens must be >= 1, steps >= 0");
        }
        targets = List.copyOf(targets);
    }

    /** The base model's directory. */
    public Path baseDir(Path dir) {
        return dir.resolve(base).normalize();
    }
}
