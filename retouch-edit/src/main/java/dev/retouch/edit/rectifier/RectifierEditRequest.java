package dev.retouch.edit.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An attribute edit with a trained rectifier edit (paper 002).
 *
 * @param image any size; resized to the model's square size (area when shrinking, else bilinear)
 * @param steps DDIM steps of the inversion and of the regeneration
 * @param seed  recorded for the contract; the edit is deterministic (η = 0 inversion and sampling)
 */
public record RectifierEditRequest(RgbImage image, int steps, long seed) implements EditRequest {
    public static final int DEFAULT_STEPS = 50;

    public RectifierEditRequest {
        Objects.requireNonNull(image, "image");
        if (steps < 1) {
            throw new InvalidRequestException("steps must be >= 1, got " + steps);
        }
    }

    /** The defaults: 50 steps, seed 0. */
    public static RectifierEditRequest of(RgbImage image) {
        return new RectifierEditRequest(image, DEFAULT_STEPS, 0);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("steps", steps);
        p.put("seed", seed);
        return p;
    }
}
