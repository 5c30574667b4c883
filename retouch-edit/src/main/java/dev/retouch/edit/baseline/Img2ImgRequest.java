package dev.retouch.edit.baseline;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * img2img (SDEdit in latent space, guided by a prompt).
 *
 * @param image    sides must be multiples of the model's size multiple (resize it first otherwise)
 * @param prompt   what the result should show (may be empty)
 * @param negative the negative prompt, the unconditional branch ("" = plain classifier-free guidance)
 * @param strength noise level in (0, 1]: the last ⌊steps·strength⌋ timesteps run (at least one)
 * @param steps    steps of a full run
 * @param guidance classifier-free guidance scale g ≥ 0
 */
public record Img2ImgRequest(RgbImage image, String prompt, String negative, double strength, int steps,
                             double guidance, SamplerKind sampler, long seed) implements EditRequest {
    public static final double DEFAULT_STRENGTH = 0.6;
    public static final int DEFAULT_STEPS = 50;
    public static final double DEFAULT_GUIDANCE = 5.0;

    public Img2ImgRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(prompt, "prompt (may be empty)");
        Objects.requireNonNull(negative, "negative prompt (may be empty)");
        Objects.requireNonNull(sampler, "sampler");
        if (!(strength > 0 && strength <= 1)) {
            throw new RetouchException("strength must be in (0, 1], got " + strength);
        }
        if (steps < 1) {
            throw new RetouchException("steps must be >= 1, got " + steps);
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new RetouchException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** The defaults: no negative prompt, strength 0.6, 50 DDIM steps, guidance 5, seed 0. */
    public static Img2ImgRequest of(RgbImage image, String prompt) {
        return new Img2ImgRequest(image, prompt, "", DEFAULT_STRENGTH, DEFAULT_STEPS, DEFAULT_GUIDANCE,
                SamplerKind.DDIM, 0);
    }

    public Img2ImgRequest withStrength(double s) {
        return new Img2ImgRequest(image, prompt, negative, s, steps, guidance, sampler, seed);
    }

    public Img2ImgRequest withSeed(long s) {
        return new Img2ImgRequest(image, prompt, negative, strength, steps, guidance, sampler, s);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("prompt", prompt);
        p.put("negative", negative);
        p.put("strength", strength);
        p.put("steps", steps);
        p.put("guidance", guidance);
        p.put("sampler", sampler.toString());
        p.put("seed", seed);
        return p;
    }
}
