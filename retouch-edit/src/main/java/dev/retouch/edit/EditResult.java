package dev.retouch.edit;

import dev.retouch.core.image.RgbImage;

/** What every method's result record has: the output image (on the heap) and the wall time of the edit. */
public interface EditResult {
    RgbImage image();

    /** Wall time of {@link Editor#edit}, model loading excluded. */
    double seconds();
}
