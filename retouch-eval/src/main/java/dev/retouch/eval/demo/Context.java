package dev.retouch.eval.demo;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.ModelStore;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the demo's sections share: the store of the shipped models, its root (a section shows a note when its model
 * is not shipped) and where notices go.
 */
record Context(ModelStore store, Path root, Consumer<String> notices) {
    /** An input read and resized to size×size ({@link Resize#square}), with a notice when it was resized. */
    RgbImage imageAt(Path file, int size) {
        RgbImage img = Images.read(file);
        if (img.width() != size || img.height() != size) {
            notices.accept(String.format(Locale.ROOT, "notice: %s is %dx%d; resized to the model's %dx%d", file,
                    img.width(), img.height(), size, size));
        }
        return Resize.square(img, size);
    }

    /** A warning (e.g. a truncated prompt): the run goes on. */
    void warn(String message) {
        notices.accept("warning: " + message);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
