package dev.retouch.edit.sine;

import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

import java.util.List;

/**
 * @param image    the edited image at the requested size
 * @param warnings what the text encoder reported (e.g. a prompt truncated to its context)
 * @param v        the v sampled with: the request's, or the one chosen per image ({@link SineEditRequest#autoV})
 */
public record SineEditResult(RgbImage image, List<String> warnings, double seconds, double v) implements EditResult {
    public SineEditResult {
        warnings = List.copyOf(warnings);
    }
}
