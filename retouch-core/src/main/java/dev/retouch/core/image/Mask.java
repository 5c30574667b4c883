package dev.retouch.core.image;

import java.util.Arrays;

/**
 * A single-channel mask over an image, values in [0, 1] laid out row-major {@code values[y * width + x]}; 1 means
 * inside the region. A pixel counts as inside when its value is ≥ 0.5.
 *
 * <p>The array is owned by the mask and is not copied: do not mutate it after construction.
 */
public record Mask(int width, int height, float[] values) {

    /** The value at or above which a pixel is inside the region. */
    public static final float INSIDE = 0.5f;

    /** Validates the size and that every value is a finite value in [0, 1]. */
    public Mask {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, found " + width + "x" + height);
        }
        if (values == null || values.length != (long) width * height) {
            throw new IllegalArgumentException("expected " + width + "*" + height + " mask values, found "
                    + (values == null ? "null" : values.length));
        }
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException("mask value " + i + " is " + v + ", expected a value in [0, 1]");
            }
        }
    }

    /** A mask with every value equal to {@code value}. */
    public static Mask filled(int width, int height, float value) {
        float[] v = new float[width * height];
        Arrays.fill(v, value);
        return new Mask(width, height, v);
    }

    /** The value at row {@code y}, column {@code x}. */
    public float get(int y, int x) {
        return values[y * width + x];
    }

    /** Whether pixel {@code i} (row-major) is inside, i.e. its value is ≥ 0.5. */
    public boolean inside(int i) {
        return values[i] >= INSIDE;
    }

    /** A {0, 1} mask: 1 where the value is ≥ {@code threshold}. */
    public Mask binary(float threshold) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] >= threshold ? 1f : 0f;
        }
        return new Mask(width, height, out);
    }

    /**
     * Grey dilation with a 3×3 square kernel applied {@code iterations} times: each value becomes the maximum of
     * its in-image 3×3 neighbourhood (as {@code cv2.dilate(m, np.ones((3, 3)), iterations=n)}; the border does not
     * extend the mask). One pixel grows to (2n+1)×(2n+1).
     */
    public Mask dilate(int iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be ≥ 0, found " + iterations);
        }
        float[] cur = values.clone();
        float[] tmp = new float[cur.length];
        for (int it = 0; it < iterations; it++) {
            for (int y = 0; y < height; y++) { // horizontal max, (H, W)
                for (int x = 0; x < width; x++) {
                    float m = cur[y * width + x];
                    if (x > 0) m = Math.max(m, cur[y * width + x - 1]);
                    if (x < width - 1) m = Math.max(m, cur[y * width + x + 1]);
                    tmp[y * width + x] = m;
                }
            }
            for (int y = 0; y < height; y++) { // vertical max
                for (int x = 0; x < width; x++) {
                    float m = tmp[y * width + x];
                    if (y > 0) m = Math.max(m, tmp[(y - 1) * width + x]);
                    if (y < height - 1) m = Math.max(m, tmp[(y + 1) * width + x]);
                    cur[y * width + x] = m;
                }
            }
        }
        return new Mask(width, height, cur);
    }

    /** The union: pixel-wise maximum. The masks must have the same size. */
    public Mask union(Mask other) {
        requireSameSize(other);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(values[i], other.values[i]);
        }
        return new Mask(width, height, out);
    }

    /** The intersection: pixel-wise minimum. The masks must have the same size. */
    public Mask intersect(Mask other) {
        requireSameSize(other);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(values[i], other.values[i]);
        }
        return new Mask(width, height, out);
    }

    /** The complement, 1 − value. */
    public Mask invert() {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1f - values[i];
        }
        return new Mask(width, height, out);
    }

    /** The number of inside pixels (value ≥ 0.5). */
    public int count() {
        int n = 0;
        for (float v : values) {
            if (v >= INSIDE) n++;
        }
        return n;
    }

    private void requireSameSize(Mask other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("mask sizes differ: " + width + "x" + height + " vs "
                    + other.width + "x" + other.height);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask other && width == other.width && height == other.height
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", inside=" + count() + "]";
    }
}
