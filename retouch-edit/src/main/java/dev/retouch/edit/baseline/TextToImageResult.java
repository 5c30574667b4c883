package dev.retouch.edit.baseline;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

import java.util.List;

/**
 * @param images   the generated images, in the order of their noise draws
 * @param warnings what the text encoder reported (e.g. a prompt truncated to its context)
 */
public record TextToImageResult(List<RgbImage> images, List<String> warnings, double seconds) implements EditResult {
    public TextToImageResult {
        images = List.copyOf(images);
        warnings = List.copyOf(warnings);
    }

    /** The one image, or a square-ish sheet of all of them (2-pixel gaps). */
    @Override
    public RgbImage image() {
        if (images.size() == 1) {
            return images.get(0);
        }
        return Images.grid(images, (int) Math.ceil(Math.sqrt(images.size())), 2);
    }
}
