package dev.retouch.edit.pixelguide;

import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

/**
 * @param image    the edited image at the model's size
 * @param input    the input as the model saw it (resized)
 * @param original the segmentation of the input
 * @param target   the map the edit followed
 * @param roi      where the edit was allowed (edited classes before and after, dilated)
 * @param options  the (t₀, s, grid, sampler, seed) that ran, defaults resolved
 * @param steps    the denoising steps run
 */
public record PixelguideResult(RgbImage image, RgbImage input, LabelMap original, LabelMap target, Mask roi,
                               PixelGuide.Options options, int steps, double seconds) implements EditResult {
}
