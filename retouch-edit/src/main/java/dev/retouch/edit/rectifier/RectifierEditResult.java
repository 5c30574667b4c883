package dev.retouch.edit.rectifier;

import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

/**
 * @param image the edited image at the model's size
 * @param input the input as the model saw it (resized to its size), for comparisons
 */
public record RectifierEditResult(RgbImage image, RgbImage input, double seconds) implements EditResult {
}
