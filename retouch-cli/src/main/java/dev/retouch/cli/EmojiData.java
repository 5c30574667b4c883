package dev.retouch.cli;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/** Emoji images as training tensors. */
final class EmojiData {
    private EmojiData() {
    }

    /** All images of the given splits (all if none), resized to {@code size}, as (N, 3, size, size) in [−1, 1]. */
    static Tensor tensor(EmojiDataset dataset, int size, Split... splits) {
        List<EmojiImage> images = splits.length == 0 ? dataset.images()
                : dataset.images().stream().filter(i -> List.of(splits).contains(i.split())).toList();
        return dataset.tensor(images, size);
    }
}
