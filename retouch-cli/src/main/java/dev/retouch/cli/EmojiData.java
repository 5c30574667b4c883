package dev.retouch.cli;

import dev.retouch.core.tensor.Tensors;
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
        int per = 3 * size * size;
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            float[] rgb = dataset.rgb(images.get(i), size);
            for (int k = 0; k < per; k++) {
                all[i * per + k] = rgb[k] * 2f - 1f;
            }
        }
        return Tensors.of(all, images.size(), 3, size, size);
    }
}
