package dev.retouch.edit.baseline;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * Text-to-image: {@code count} images of one prompt from seeded noise, with classifier-free guidance.
 *
 * @param negative the negative prompt ("" = plain classifier-free guidance)
 * @param count    images in [1, 64]
 * @param guidance g ≥ 0: 1 is the conditional model alone, 0 the unconditional one
 */
public record TextToImageRequest(String prompt, String negative, int count, int steps, double guidance,
                                 SamplerKind sampler, long seed) implements EditRequest {
    public static final int DEFAULT_STEPS = 50;
    public static final double DEFAULT_GUIDANCE = 5.0;
    public static final int MAX_COUNT = 64;

    public TextToImageRequest {
        Objects.requireNonNull(prompt, "prompt (may be empty)");
        Objects.requireNonNull(negative, "negative prompt (may be empty)");
        Objects.requireNonNull(sampler, "sampler");
        if (count < 1 || count > MAX_COUNT) {
            throw new RetouchException("count must be in [1, " + MAX_COUNT + "], got " + count);
        }
        if (steps < 1) {
            throw new RetouchException("steps must be >= 1, got " + steps);
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new RetouchException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** One image, 50 DDIM steps, guidance 5, seed 0. */
    public static TextToImageRequest of(String prompt) {
        return new TextToImageRequest(prompt, "", 1, DEFAULT_STEPS, DEFAULT_GUIDANCE, SamplerKind.DDIM, 0);
    }

    public TextToImageRequest withCount(int n) {
        return new TextToImageRequest(prompt, negative, n, steps, guidance, sampler, seed);
    }

    public TextToImageRequest withSeed(long s) {
        return new TextToImageRequest(prompt, negative, count, steps, guidance, sampler, s);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("prompt", prompt);
        p.put("negative", negative);
        p.put("sampler", sampler.toString());
        p.put("steps", steps);
        p.put("guidance", guidance);
        p.put("seed", seed);
        p.put("count", count);
        return p;
    }
}
