package dev.retouch.edit.sine;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * One SINE sample: the method's options ({@link SineRequest}: prompt, v, K, w, size, positional embedding), the
 * sampler and its steps, and the seed of the starting noise.
 *
 * @param fineTunedOnly the paper's "w/o guidance" baseline instead of SINE: classifier-free guidance with both
 *                      branches from the fine-tuned model
 * @param autoV         choose v per image ({@link SineAutoV}, our extension: K = 0, the request's v and K unused)
 */
public record SineEditRequest(SineRequest sine, int steps, SamplerKind sampler, long seed, boolean fineTunedOnly,
                              boolean autoV) implements EditRequest {
    public static final int DEFAULT_STEPS = 25;

    public SineEditRequest {
        Objects.requireNonNull(sine, "sine options");
        Objects.requireNonNull(sampler, "sampler");
        if (steps < 1) {
            throw new RetouchException("steps must be >= 1, got " + steps);
        }
        if (autoV && fineTunedOnly) {
            throw new RetouchException("v chosen per image and the fine-tuned model alone are two different "
                    + "samplings: ask for one");
        }
    }

    public SineEditRequest withSeed(long s) {
        return new SineEditRequest(sine, steps, sampler, s, fineTunedOnly, autoV);
    }

    public SineEditRequest withSine(SineRequest options) {
        return new SineEditRequest(options, steps, sampler, seed, fineTunedOnly, autoV);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("prompt", sine.prompt());
        p.put("v", autoV ? "auto" : sine.v());
        p.put("k", autoV ? SineAutoV.K : sine.k());
        p.put("guidance", sine.guidance());
        p.put("steps", steps);
        p.put("sampler", sampler.toString());
        p.put("width", sine.width());
        p.put("height", sine.height());
        p.put("positional", sine.positional());
        p.put("seed", seed);
        if (fineTunedOnly) {
            p.put("fine_tuned_only", true);
        }
        if (autoV) {
            p.put("auto_v", true);
        }
        return p;
    }
}
