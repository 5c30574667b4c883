package dev.retouch.edit.baseline;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * DiffEdit: change what {@code query} names, where the model's noise estimates say it differs from {@code reference}.
 *
 * @param image     sides must be multiples of the model's size multiple
 * @param query     the edit text Q (what the result should show)
 * @param reference the reference text R describing the input ("" = the unconditional model)
 * @param ratio     the encoding ratio r in (0, 1] (mask noise level and encoding depth)
 * @param steps     DDIM steps of a full run
 * @param guidance  classifier-free guidance of the decoding
 */
public record DiffEditRequest(RgbImage image, String query, String reference, double ratio, int steps,
                              double guidance, long seed) implements EditRequest {
    public DiffEditRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(query, "query text");
        Objects.requireNonNull(reference, "reference text (may be empty)");
        if (!(ratio > 0 && ratio <= 1)) {
            throw new RetouchException("the encoding ratio must be in (0, 1], got " + ratio);
        }
        if (steps < 1) {
            throw new RetouchException("steps must be >= 1, got " + steps);
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new RetouchException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** The paper's defaults: r = 0.5, 50 DDIM steps, guidance 5, seed 0. */
    public static DiffEditRequest of(RgbImage image, String query, String reference) {
        return new DiffEditRequest(image, query, reference, 0.5, 50, 5.0, 0);
    }

    public DiffEditRequest withSeed(long s) {
        return new DiffEditRequest(image, query, reference, ratio, steps, guidance, s);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("query", query);
        p.put("reference", reference);
        p.put("ratio", ratio);
        p.put("steps", steps);
        p.put("guidance", guidance);
        p.put("seed", seed);
        return p;
    }
}
