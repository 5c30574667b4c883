package dev.retouch.core.image;

/**
 * Resampling of images and masks. Every filter is separable and applied as per-axis taps (source index, weight).
 *
 * <ul>
 *   <li>{@code area}: exact box averaging, each output pixel the area-weighted mean of the source pixels it
 *       covers, for any ratio up or down (as cv2 {@code INTER_AREA}; for integer factors down, block means).</li>
 *   <li>{@code bilinear}: half-pixel centres, {@code src = (dst + 0.5) * in / out - 0.5} clamped at 0, no
 *       antialiasing (as torch {@code interpolate(mode="bilinear", align_corners=False, antialias=False)}).</li>
 *   <li>{@code nearest}: {@code src = min(floor(dst * in / out), in - 1)} in float (as torch
 *       {@code interpolate(mode="nearest")}).</li>
 * </ul>
 */
public final class Resize {

    private Resize() {
    }

    /** Exact area (box) averaging to {@code width}×{@code height}. */
    public static RgbImage area(RgbImage image, int width, int height) {
        return resize(image, width, height, Resize::areaTaps);
    }

    /** Bilinear interpolation with half-pixel centres (torch {@code align_corners=False}, no antialias). */
    public static RgbImage bilinear(RgbImage image, int width, int height) {
        return resize(image, width, height, Resize::bilinearTaps);
    }

    /**
     * The image at size×size, as every editor takes its input: unchanged when it already is; exact area averaging
     * when both sides shrink; bilinear otherwise (enlarging, or a side below the size).
     */
    public static RgbImage square(RgbImage image, int size) {
        if (image.width() == size && image.height() == size) {
            return image;
        }
        boolean shrink = image.width() >= size && image.height() >= size;
        return shrink ? area(image, size, size) : bilinear(image, size, size);
    }

    /** Nearest neighbour as torch's {@code nearest} mode. */
    public static RgbImage nearest(RgbImage image, int width, int height) {
        return resize(image, width, height, Resize::nearestTaps);
    }

    /** Nearest neighbour for masks (keeps {0, 1} masks binary). */
    public static Mask nearest(Mask mask, int width, int height) {
        return resize(mask, width, height, Resize::nearestTaps);
    }

    /** Exact area averaging for masks: the result is the covered fraction (soft); use {@link Mask#binary}. */
    public static Mask area(Mask mask, int width, int height) {
        return resize(mask, width, height, Resize::areaTaps);
    }

    /** Per-axis taps: for output index o, source indices {@code index[o]} with weights {@code weight[o]}. */
    record Taps(int[][] index, double[][] weight) {
    }

    @FunctionalInterface
    interface TapRule {
        Taps taps(int in, int out);
    }

    private static RgbImage resize(RgbImage image, int width, int height, TapRule rule) {
        requirePositive(width, height);
        float[] out = separable(image.chw(), 3, image.width(), image.height(), width, height, rule);
        return new RgbImage(width, height, out);
    }

    private static Mask resize(Mask mask, int width, int height, TapRule rule) {
        requirePositive(width, height);
        float[] out = separable(mask.values(), 1, mask.width(), mask.height(), width, height, rule);
        return new Mask(width, height, out);
    }

    /** Applies the taps along x then y to {@code planes} planes of (inH, inW); output clamped to [0, 1]. */
    static float[] separable(float[] src, int planes, int inW, int inH, int outW, int outH, TapRule rule) {
        Taps tx = rule.taps(inW, outW);
        Taps ty = rule.taps(inH, outH);
        double[] rows = new double[planes * inH * outW]; // (P, inH, outW)
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < inH; y++) {
                int srcRow = (p * inH + y) * inW;
                int dstRow = (p * inH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int k = 0; k < tx.index[x].length; k++) {
                        acc += tx.weight[x][k] * src[srcRow + tx.index[x][k]];
                    }
                    rows[dstRow + x] = acc;
                }
            }
        }
        float[] out = new float[planes * outH * outW]; // (P, outH, outW)
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int k = 0; k < ty.index[y].length; k++) {
                        acc += ty.weight[y][k] * rows[(p * inH + ty.index[y][k]) * outW + x];
                    }
                    out[(p * outH + y) * outW + x] = (float) Math.max(0, Math.min(1, acc));
                }
            }
        }
        return out;
    }

    /**
     * Exact overlaps, in integer units where a source pixel is {@code out} long and an output pixel {@code in}
     * long: source s covers [s·out, (s+1)·out), output o covers [o·in, (o+1)·in); weight = overlap / in.
     */
    static Taps areaTaps(int in, int out) {
        int[][] index = new int[out][];
        double[][] weight = new double[out][];
        for (int o = 0; o < out; o++) {
            long lo = (long) o * in;
            long hi = (long) (o + 1) * in;
            int first = (int) (lo / out);
            int last = (int) Math.min(in - 1, (hi - 1) / out);
            index[o] = new int[last - first + 1];
            weight[o] = new double[last - first + 1];
            for (int s = first; s <= last; s++) {
                long overlap = Math.min(hi, (long) (s + 1) * out) - Math.max(lo, (long) s * out);
                index[o][s - first] = s;
                weight[o][s - first] = (double) overlap / in;
            }
        }
        return new Taps(index, weight);
    }

    /** torch's linear taps in float arithmetic: {@code area_pixel_compute_source_index}, guarded lambda. */
    static Taps bilinearTaps(int in, int out) {
        float scale = (float) in / out;
        int[][] index = new int[out][];
        double[][] weight = new double[out][];
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            if (real < 0) real = 0;
            int i0 = Math.min((int) Math.floor(real), in - 1);
            int i1 = i0 + (i0 < in - 1 ? 1 : 0);
            float lambda1 = Math.min(Math.max(real - i0, 0f), 1f);
            float lambda0 = 1f - lambda1;
            index[o] = new int[] {i0, i1};
            weight[o] = new double[] {lambda0, lambda1};
        }
        return new Taps(index, weight);
    }

    /** torch's {@code nearest_idx}: identity, exact ×2, else {@code min(floor(o * (float) in / out), in - 1)}. */
    static Taps nearestTaps(int in, int out) {
        float scale = (float) in / out;
        int[][] index = new int[out][];
        double[][] weight = new double[out][];
        for (int o = 0; o < out; o++) {
            int s;
            if (out == in) {
                s = o;
            } else if (out == 2 * in) {
                s = o >> 1;
            } else {
                s = Math.min((int) Math.floor(o * scale), in - 1);
            }
            index[o] = new int[] {s};
            weight[o] = new double[] {1.0};
        }
        return new Taps(index, weight);
    }

    private static void requirePositive(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, found " + width + "x" + height);
        }
    }
}
