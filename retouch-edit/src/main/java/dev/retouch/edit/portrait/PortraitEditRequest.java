package dev.retouch.edit.portrait;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditRequest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A portrait edit (paper 003 §3.4).
 *
 * @param image  any size; resized to the model's square size
 * @param target the target prompt p_b, one of the model's targets (e.g. {@code "woman"}, {@code "smiling face"})
 * @param scales the three guidance scales
 * @param steps  UniPC steps (paper: 20)
 * @param mask   how the editing mask is made, or {@link MaskSettings#OFF} (the w/o-mask ablation)
 * @param seed   the seed of the starting noise and the mask's noise
 */
public record PortraitEditRequest(RgbImage image, String target, Scales scales, int steps, MaskSettings mask,
                                  long seed) implements EditRequest {
    public static final int DEFAULT_STEPS = 20;

    /**
     * Classifier-free guidance scales of the three conditions, nested as image embeddings, then spatial input, then
     * text: ε = ε(∅,∅,∅) + s1·[ε(I,∅,∅) − ε(∅,∅,∅)] + s2·[ε(I,S,∅) − ε(I,∅,∅)] + s3·[ε(I,S,T) − ε(I,S,∅)].
     */
    public record Scales(double image, double spatial, double text) {
        /** The paper's supplementary: s1 = 3, s2 = 3, s3 = 5. */
        public static final Scales PAPER = new Scales(3, 3, 5);
        /** The official code's demo: s1 = 3, s2 = 2, s3 = 4. */
        public static final Scales CODE = new Scales(3, 2, 4);

        public Scales {
            if (!(image >= 0) || !(spatial >= 0) || !(text >= 0)) {
                throw new InvalidRequestException("guidance scales must be >= 0, got image " + image + ", spatial "
                        + spatial + ", text " + text);
            }
        }

        /** "paper", "code", or three numbers "s1,s2,s3". */
        public static Scales parse(String s) {
            if (s.equals("paper")) {
                return PAPER;
            }
            if (s.equals("code")) {
                return CODE;
            }
            String[] p = s.split(",", -1);
            if (p.length != 3) {
                throw new InvalidRequestException("guidance scales must be 'paper', 'code' or three numbers "
                        + "'image,spatial,text', got '" + s + "'");
            }
            try {
                return new Scales(Double.parseDouble(p[0].strip()), Double.parseDouble(p[1].strip()),
                        Double.parseDouble(p[2].strip()));
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("guidance scales must be numbers, got '" + s + "'");
            }
        }

        @Override
        public String toString() {
            return image + "," + spatial + "," + text;
        }
    }

    public PortraitEditRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(scales, "scales");
        Objects.requireNonNull(mask, "mask");
        if (steps < 1 || steps > 1000) {
            throw new InvalidRequestException("steps must be in [1, 1000], got " + steps);
        }
    }

    /**
     * The defaults: the official code's scales and mask ({@link Scales#CODE}, {@link MaskSettings#CODE}), UniPC 20
     * steps. (The paper's own settings, {@link Scales#PAPER} with {@link MaskSettings#PAPER}, broke the images on
     * our models: docs/EVALUATION.md, portrait.)
     */
    public static PortraitEditRequest of(RgbImage image, String target, long seed) {
        return new PortraitEditRequest(image, target, Scales.CODE, DEFAULT_STEPS, MaskSettings.CODE, seed);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("target", target);
        p.put("scales", scales.toString());
        p.put("steps", steps);
        p.put("mask", mask.toString());
        p.put("seed", seed);
        return p;
    }
}
