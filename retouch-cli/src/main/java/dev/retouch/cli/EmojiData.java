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

    /** {@code n} images of {@code split} spread evenly over it sorted by file name (every k-th), the eval sets. */
    static List<EmojiImage> spread(EmojiDataset dataset, Split split, int n) {
        List<EmojiImage> all = new java.util.ArrayList<>(dataset.images(split));
        all.sort(java.util.Comparator.comparing(EmojiImage::image));
        int count = Math.min(n, all.size());
        List<EmojiImage> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(all.get((int) ((long) i * all.size() / count)));
        }
        return out;
    }
}
