package dev.retouch.edit.baseline;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * SDEdit with a pixel model: noise the image to {@code strength} of a {@code steps}-step DDIM run, denoise.
 *
 * @param image    any size; resized to the model's square size (area when shrinking, else bilinear)
 * @param strength noise level in [0, 1] (0 returns the resized input)
 * @param steps    DDIM steps of a full run; the last ⌊steps·strength⌋ run
 */
public record SdeditRequest(RgbImage image, double strength, int steps, long seed) implements EditRequest {
    public static final double DEFAULT_STRENGTH = 0.5;
    public static final int DEFAULT_STEPS = 50;

    public SdeditRequest {
        Objects.requireNonNull(image, "image");
        if (!(strength >= 0 && strength <= 1)) {
            throw new RetouchException("strength must be in [0, 1], got " + strength);
        }
        if (steps < 1) {
            throw new RetouchException("steps must be >= 1, got " + steps);
        }
    }

    /** The defaults: strength 0.5, 50 steps, seed 0. */
    public static SdeditRequest of(RgbImage image) {
        return new SdeditRequest(image, DEFAULT_STRENGTH, DEFAULT_STEPS, 0);
    }

    public SdeditRequest withStrength(double s) {
        return new SdeditRequest(image, s, steps, seed);
    }

    public SdeditRequest withSteps(int n) {
        return new SdeditRequest(image, strength, n, seed);
    }

    public SdeditRequest withSeed(long s) {
        return new SdeditRequest(image, strength, steps, s);
    }

    /** The denoising steps this request runs. */
    public int runSteps() {
        return (int) Math.floor(steps * strength);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("strength", strength);
        p.put("steps", steps);
        p.put("seed", seed);
        return p;
    }
}
