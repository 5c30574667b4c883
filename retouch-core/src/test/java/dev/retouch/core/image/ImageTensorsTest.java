package dev.retouch.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.RetouchException;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

    @Test
    void imageRoundTripsThroughATensorInMinusOneToOne() {
        try (PointerScope scope = new PointerScope()) {
            RgbImage img = ImagesTest.randomImage(5, 3, 11);
            Tensor t = ImageTensors.toTensor(img);
            assertArrayEquals(new long[] {1, 3, 3, 5}, t.shape());
            float[] data = ImageTensors.readFloats(t);
            assertEquals(2 * img.get(1, 2, 4) - 1, data[(1 * 3 + 2) * 5 + 4], 1e-7f);
            assertArrayEquals(img.chw(), ImageTensors.fromTensor(t).chw(), 1e-6f);
            assertArrayEquals(img.chw(), ImageTensors.fromTensor(t.squeeze(0)).chw(), 1e-6f); // (3, H, W)
            assertEquals(0f, ImageTensors.fromTensor(Tensor.create(new float[] {-1, -1, -1}, 3, 1, 1)).get(0, 0, 0));
        }
    }

    @Test
    void batchesKeepOrderAndOutOfRangeValuesAreClamped() {
        try (PointerScope scope = new PointerScope()) {
            RgbImage a = ImagesTest.randomImage(4, 2, 1);
            RgbImage b = ImagesTest.randomImage(4, 2, 2);
            Tensor t = ImageTensors.toTensor(List.of(a, b));
            assertArrayEquals(new long[] {2, 3, 2, 4}, t.shape());
            List<RgbImage> back = ImageTensors.fromBatch(t.mul(new org.bytedeco.pytorch.Scalar(3.0)));
            for (int i = 0; i < a.chw().length; i++) {
                float expected = (Math.max(-1f, Math.min(1f, 3 * (2 * b.chw()[i] - 1))) + 1) / 2;
                assertEquals(expected, back.get(1).chw()[i], 1e-6f);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ImageTensors.toTensor(List.of(a, ImagesTest.randomImage(2, 4, 3))));
            assertThrows(IllegalArgumentException.class, () -> ImageTensors.fromTensor(t)); // batch of 2
            Tensor nan = Tensor.create(new float[] {0, Float.NaN, 0}, 3, 1, 1);
            assertThrows(RetouchException.class, () -> ImageTensors.fromTensor(nan));
            Tensor dbl = Tensor.create(new double[] {1, 0, -1}, 1, 3, 1, 1); // float64 input is converted
            assertArrayEquals(new float[] {1f, 0.5f, 0f}, ImageTensors.fromTensor(dbl).chw());
        }
    }

    @Test
    void masksBecomeZeroOneTensors() {
        try (PointerScope scope = new PointerScope()) {
            Mask m = new Mask(3, 2, new float[] {0f, 0.5f, 0.49f, 1f, 0.7f, 0.2f});
            Tensor t = ImageTensors.toTensor(m);
            assertArrayEquals(new long[] {1, 1, 2, 3}, t.shape());
            assertArrayEquals(new float[] {0, 1, 0, 1, 1, 0}, ImageTensors.readFloats(t));
            assertEquals(m.binary(0.5f), ImageTensors.maskFromTensor(t));
            assertEquals(m.binary(0.5f), ImageTensors.maskFromTensor(t.squeeze(0).squeeze(0)));
            assertThrows(IllegalArgumentException.class,
                    () -> ImageTensors.maskFromTensor(Tensor.create(new float[6], 2, 1, 1, 3)));
        }
    }
}
