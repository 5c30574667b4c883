package dev.retouch.data.pairs;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;

import java.util.Objects;

/**
 * One before/after example of an editing effect.
 *
 * @param name   the pair's name: the shared file name stem of {@code before/NAME.png} and {@code after/NAME.png}
 * @param before the image before the edit
 * @param after  the same image after the edit, of the same size
 */
public record ImagePair(String name, RgbImage before, RgbImage after) {
    public ImagePair {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        PairFolder.checkName(name);
        if (before.width() != after.width() || before.height() != after.height()) {
            throw new RetouchException("pair '" + name + "': before is " + before.width() + "x" + before.height()
                    + " but after is " + after.width() + "x" + after.height()
                    + "; the two images of a pair must have the same size");
        }
    }
}
