package dev.retouch.edit.fewshot;

import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.EditResult;

import java.util.List;

/**
 * The outcome of a {@link FewshotRequest}.
 *
 * @param image   the edited image, at the effect's size
 * @param sources per sampling chain, the names of the training pairs it used as (x_i, y_i) (empty for the
 *                one-to-one and pix2pix variants)
 * @param seconds wall time of the edit
 */
public record FewshotResult(RgbImage image, List<List<String>> sources, double seconds) implements EditResult {
    public FewshotResult {
        sources = List.copyOf(sources);
    }
}
