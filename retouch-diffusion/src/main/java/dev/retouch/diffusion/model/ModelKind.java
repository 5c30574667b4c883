package dev.retouch.diffusion.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.io.ModelDirectory;

/**
 * What a model directory holds, read from its {@code config.json} before choosing the loader: the configs of
 * diffusion models carry a {@code type}; an autoencoder's config has {@code latentChannels}; a CLIP config has
 * {@code text} and {@code vision}.
 */
public enum ModelKind {
    PIXEL_DIFFUSION, LATENT_DIFFUSION, AUTOENCODER_KL, CLIP, OTHER;

    /** The kind of the opened directory {@code md}; OTHER when nothing matches (its own loader then explains). */
    public static ModelKind of(ModelDirectory md) {
        JsonNode c = md.configTree();
        JsonNode type = c.get("type");
        if (type != null && type.isTextual()) {
            return switch (type.asText()) {
                case DdpmConfig.TYPE -> PIXEL_DIFFUSION;
                case LdmConfig.TYPE -> LATENT_DIFFUSION;
                default -> OTHER;
            };
        }
        if (c.has("latentChannels") && c.has("blockOutChannels")) {
            return AUTOENCODER_KL;
        }
        return c.has("text") && c.has("vision") ? CLIP : OTHER;
    }
}
