package dev.retouch.edit.baseline;

import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

import java.util.List;

/**
 * @param image    the edited image, at the input's size
 * @param steps    the denoising steps run
 * @param warnings what the text encoder reported (e.g. a prompt truncated to its context)
 */
public record Img2ImgResult(RgbImage image, int steps, List<String> warnings, double seconds) implements EditResult {
    public Img2ImgResult {
        warnings = List.copyOf(warnings);
    }
}
