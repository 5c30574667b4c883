package dev.retouch.edit.fewshot;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.pairs.ImagePair;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * Training pairs as tensors: x (m, 3, S, S) before and y (m, 3, S, S) after, in [−1, 1], each image resized to
 * S×S (area averaging when shrinking, bilinear when enlarging). Both tensors outlive pointer scopes.
 */
public record PairTensors(Tensor x, Tensor y) {
    public PairTensors {
        Tensors.keep(x);
        Tensors.keep(y);
    }

    public static PairTensors of(List<ImagePair> pairs, int size) {
        List<RgbImage> before = pairs.stream().map(p -> Resize.square(p.before(), size)).toList();
        List<RgbImage> after = pairs.stream().map(p -> Resize.square(p.after(), size)).toList();
        return new PairTensors(ImageTensors.toTensor(before), ImageTensors.toTensor(after));
    }

    public int count() {
        return (int) x.size(0);
    }
}
