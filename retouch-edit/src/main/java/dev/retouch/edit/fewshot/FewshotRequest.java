package dev.retouch.edit.fewshot;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.Objects;

/**
 * One edit with a learned effect.
 *
 * @param image    the image to edit (resized to the effect's size)
 * @param seed     seeds the draw of the source pairs and every noise
 * @param sampling the sampling to use, or null for the effect's own
 */
public record FewshotRequest(RgbImage image, long seed, SamplingConfig sampling) implements EditRequest {
    public FewshotRequest {
        Objects.requireNonNull(image, "image");
    }

    /** The image with the effect's own sampling and seed 0. */
    public static FewshotRequest of(RgbImage image) {
        return new FewshotRequest(image, 0, null);
    }

    public FewshotRequest withSeed(long s) {
        return new FewshotRequest(image, s, sampling);
    }

    /** The seed, and the sampling when it is not the effect's own. */
    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("seed", seed);
        if (sampling != null) {
            p.put("sampling", sampling.describe());
        }
        return p;
    }
}
