package dev.retouch.edit.pixelguide;

import java.util.Map;
import java.util.LinkedHashMap;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.List;
import java.util.Objects;

/**
 * A pixelguide edit: the image, and its target segmentation either as an edited map or as map operations applied
 * to the segmentation of the image ({@link MapEdit}: "replace FROM TO", "paint CLASS x0,y0,x1,y1", …).
 *
 * @param image    any size; resized to the model's square size
 * @param map      the edited label map at the model's size, or null when {@code ops} are given
 * @param ops      the operations, applied in order, or null when {@code map} is given
 * @param t0       the start level in [1, 750], or null for the default for the ROI's size ({@link PixelGuide#defaults})
 * @param scale    the guidance scale s ≥ 0, or null for the default for the ROI's size
 * @param respaced the 50-step grid (true, the default) or every timestep
 */
public record PixelguideRequest(RgbImage image, LabelMap map, List<String> ops, Integer t0, Double scale,
                                boolean respaced, PixelGuide.Sampler sampler, long seed) implements EditRequest {
    public PixelguideRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(sampler, "sampler");
        if ((map == null) == (ops == null)) {
            throw new RetouchException("give the target as an edited map or as map operations, not "
                    + (map == null ? "neither" : "both"));
        }
        if (ops != null && ops.isEmpty()) {
            throw new RetouchException("no map operations given");
        }
        ops = ops == null ? null : List.copyOf(ops);
    }

    /** The image edited by {@code ops} with the defaults: t₀ and s by ROI size, 50 DDIM steps, seed 0. */
    public static PixelguideRequest ofOps(RgbImage image, List<String> ops) {
        return new PixelguideRequest(image, null, ops, null, null, true, PixelGuide.Sampler.DDIM, 0);
    }

    /** The image edited to follow {@code map}, with the defaults. */
    public static PixelguideRequest ofMap(RgbImage image, LabelMap map) {
        return new PixelguideRequest(image, map, null, null, null, true, PixelGuide.Sampler.DDIM, 0);
    }

    public PixelguideRequest withSeed(long s) {
        return new PixelguideRequest(image, map, ops, t0, scale, respaced, sampler, s);
    }

    public PixelguideRequest withLevel(Integer start, Double guidance) {
        return new PixelguideRequest(image, map, ops, start, guidance, respaced, sampler, seed);
    }

    public PixelguideRequest withGrid(boolean respacedGrid, PixelGuide.Sampler s) {
        return new PixelguideRequest(image, map, ops, t0, scale, respacedGrid, s, seed);
    }

    /** t₀ and s are null when left to the ROI's defaults (the result's options hold the values used). */
    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ops", ops == null ? "" : String.join("; ", ops));
        p.put("t0", t0);
        p.put("scale", scale);
        p.put("steps", respaced ? "50" : "full");
        p.put("sampler", sampler);
        p.put("seed", seed);
        return p;
    }
}
