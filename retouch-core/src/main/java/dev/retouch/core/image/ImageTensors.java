package dev.retouch.core.image;

import static org.bytedeco.pytorch.global.torch.ScalarType;

import dev.retouch.core.RetouchException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Images and masks to and from libtorch tensors. Images are float32 (B, 3, H, W) in [−1, 1] ({@code 2v − 1});
 * masks are float32 (1, 1, H, W) in {0, 1}. Tensors coming back are moved to the CPU, converted to float32,
 * clamped to [−1, 1] and mapped to [0, 1] with {@code (v + 1) / 2}; NaN is an error (a diverged model), not a
 * colour.
 */
public final class ImageTensors {

    private ImageTensors() {
    }

    /** One image as a (1, 3, H, W) float32 CPU tensor in [−1, 1]. */
    public static Tensor toTensor(RgbImage image) {
        return toTensor(List.of(image));
    }

    /** Images of one size as a (B, 3, H, W) float32 CPU tensor in [−1, 1]. */
    public static Tensor toTensor(List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("expected at least one image");
        }
        int w = images.get(0).width();
        int h = images.get(0).height();
        int per = 3 * w * h;
        float[] data = new float[images.size() * per];
        for (int b = 0; b < images.size(); b++) {
            RgbImage img = images.get(b);
            if (img.width() != w || img.height() != h) {
                throw new IllegalArgumentException("batch images must share one size: image 0 is " + w + "x" + h
                        + ", image " + b + " is " + img.width() + "x" + img.height());
            }
            float[] chw = img.chw();
            for (int i = 0; i < per; i++) {
                data[b * per + i] = 2f * chw[i] - 1f;
            }
        }
        return Tensor.create(data, images.size(), 3, h, w);
    }

    /** A (3, H, W) or (1, 3, H, W) tensor in [−1, 1] (clamped) as an image. */
    public static RgbImage fromTensor(Tensor tensor) {
        long[] shape = tensor.shape();
        boolean chw = shape.length == 3 && shape[0] == 3;
        boolean nchw = shape.length == 4 && shape[0] == 1 && shape[1] == 3;
        if (!chw && !nchw) {
            throw new IllegalArgumentException("expected a (3, H, W) or (1, 3, H, W) tensor, found "
                    + Arrays.toString(shape));
        }
        return fromBatch(chw ? tensor.unsqueeze(0) : tensor).get(0);
    }

    /** A (B, 3, H, W) tensor in [−1, 1] (clamped) as B images. */
    public static List<RgbImage> fromBatch(Tensor batch) {
        long[] shape = batch.shape();
        if (shape.length != 4 || shape[1] != 3) {
            throw new IllegalArgumentException("expected a (B, 3, H, W) tensor, found "
                    + Arrays.toString(shape));
        }
        int b = (int) shape[0];
        int h = (int) shape[2];
        int w = (int) shape[3];
        float[] data = readFloats(batch);
        int per = 3 * h * w;
        List<RgbImage> images = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            float[] chw = new float[per];
            for (int k = 0; k < per; k++) {
                float v = data[i * per + k];
                if (Float.isNaN(v)) {
                    throw new RetouchException("image tensor " + Arrays.toString(shape)
                            + " contains NaN (first at image " + i + ", element " + k + "), expected finite values");
                }
                chw[k] = (Math.max(-1f, Math.min(1f, v)) + 1f) * 0.5f;
            }
            images.add(new RgbImage(w, h, chw));
        }
        return images;
    }

    /** A mask as a (1, 1, H, W) float32 CPU tensor: 1 where the value is ≥ 0.5, else 0. */
    public static Tensor toTensor(Mask mask) {
        float[] data = new float[mask.values().length];
        for (int i = 0; i < data.length; i++) {
            data[i] = mask.inside(i) ? 1f : 0f;
        }
        return Tensor.create(data, 1, 1, mask.height(), mask.width());
    }

    /** A (H, W), (1, H, W) or (1, 1, H, W) tensor as a {0, 1} mask: inside where the value is ≥ 0.5. */
    public static Mask maskFromTensor(Tensor tensor) {
        long[] shape = tensor.shape();
        int d = shape.length;
        boolean ok = d >= 2 && d <= 4;
        for (int i = 0; ok && i < d - 2; i++) {
            ok = shape[i] == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException("expected a (H, W), (1, H, W) or (1, 1, H, W) tensor, found "
                    + Arrays.toString(shape));
        }
        float[] data = readFloats(tensor);
        for (int i = 0; i < data.length; i++) {
            data[i] = data[i] >= Mask.INSIDE ? 1f : 0f;
        }
        return new Mask((int) shape[d - 1], (int) shape[d - 2], data);
    }

    /** The tensor's values as a flat float array (CPU, float32, contiguous copy). */
    static float[] readFloats(Tensor tensor) {
        Tensor t = tensor.cpu().to(ScalarType.Float).contiguous();
        long n = t.numel();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large for a Java array: " + n + " elements");
        }
        float[] out = new float[(int) n];
        t.data_ptr_float().get(out);
        return out;
    }
}
