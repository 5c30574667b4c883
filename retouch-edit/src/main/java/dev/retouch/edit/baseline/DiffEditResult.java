package dev.retouch.edit.baseline;

import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

import java.util.List;

/**
 * @param image    the edited image, at the input's size
 * @param mask     where the edit was allowed (the latent mask upsampled to the image)
 * @param steps    denoising steps run
 * @param warnings what the text encoder reported (e.g. a prompt truncated to its context)
 */
public record DiffEditResult(RgbImage image, Mask mask, int steps, List<String> warnings, double seconds)
        implements EditResult {
    public DiffEditResult {
        warnings = List.copyOf(warnings);
    }
}
