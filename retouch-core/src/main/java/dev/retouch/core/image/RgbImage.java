package dev.retouch.core.image;

import java.util.Arrays;

/**
 * An RGB image: planar float samples in [0, 1], laid out (3, H, W) as {@code chw[(c * height + y) * width + x]}.
 *
 * <p>The array is owned by the image and is not copied: do not mutate it after construction. Equality compares
 * the samples.
 */
public record RgbImage(int width, int height, float[] chw) {

    /** Validates the size and that every sample is a finite value in [0, 1]. */
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
        }
        if (chw == null || chw.length != 3L * width * height) {
            throw new IllegalArgumentException("expected 3*" + width + "*" + height + " = " + 3L * width * height
                    + " samples, found " + (chw == null ? "null" : chw.length));
        }
        for (int i = 0; i < chw.length; i++) {
            float v = chw[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("sample " + i + " is " + v + ", expected a value in [0, 1]");
            }
        }
    }

    /** A uniform image, every sample equal to {@code value}. */
    public static RgbImage filled(int width, int height, float value) {
        float[] chw = new float[3 * width * height];
        Arrays.fill(chw, value);
        return new RgbImage(width, height, chw);
    }

    /** The sample of channel {@code c} (0 = R, 1 = G, 2 = B) at row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return chw[(c * height + y) * width + x];
    }

    /** Number of pixels, width × height. */
    public int pixels() {
        return width * height;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height
                && Arrays.equals(chw, other.chw);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(chw);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
