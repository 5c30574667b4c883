package dev.retouch.edit.portrait;

import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

/**
 * @param image the edited image at the model's size
 * @param input the input as the model saw it
 * @param mask  the editing mask at the image's size (1 = edited), null when the mask was off
 */
public record PortraitEditResult(RgbImage image, RgbImage input, Mask mask, double seconds) implements EditResult {
}
