package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Minimal pixel handling for emoji PNGs: decode, composite on white, area-average resize. Deliberately private to
 * this package: it is to be replaced by {@code dev.retouch.core.image} once that exists.
 */
final class EmojiPixels {
    private EmojiPixels() {
    }

    /** Decodes a PNG to a {@link BufferedImage#TYPE_INT_ARGB} image of the expected square size. */
    static BufferedImage decode(byte[] png, String name, int expectedSize) {
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new RetouchException("cannot decode emoji image " + name + ": expected a PNG, found "
                    + png.length + " unreadable bytes (" + e.getMessage() + ")", e);
        }
        if (decoded == null) {
            throw new RetouchException("cannot decode emoji image " + name + ": expected a PNG, found "
                    + png.length + " bytes in no known image format");
        }
        if (decoded.getWidth() != expectedSize || decoded.getHeight() != expectedSize) {
            throw new RetouchException("emoji image " + name + " has the wrong size: expected " + expectedSize + "×"
                    + expectedSize + ", found " + decoded.getWidth() + "×" + decoded.getHeight());
        }
        int w = decoded.getWidth();
        int h = decoded.getHeight();
        BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, w, h, decoded.getRGB(0, 0, w, h, null, 0, w), 0, w);
        return argb;
    }

    /**
     * Composites a non-premultiplied ARGB image on white: {@code c' = a·c + (1 − a)} with {@code a, c ∈ [0, 1]}.
     * Returns planar RGB, shape (3, H, W), values in [0, 1]; a fully transparent pixel is exactly 1.0.
     */
    static float[] rgbOnWhite(BufferedImage argb) {
        int w = argb.getWidth();
        int h = argb.getHeight();
        int plane = w * h;
        int[] pixels = argb.getRGB(0, 0, w, h, null, 0, w);
        float[] chw = new float[3 * plane]; // (3, H, W)
        for (int i = 0; i < plane; i++) {
            int p = pixels[i];
            float alpha = ((p >>> 24) & 0xff) / 255f;
            chw[i] = composite((p >>> 16) & 0xff, alpha);
            chw[plane + i] = composite((p >>> 8) & 0xff, alpha);
            chw[2 * plane + i] = composite(p & 0xff, alpha);
        }
        return chw;
    }

    private static float composite(int channel, float alpha) {
        return alpha * (channel / 255f) + (1f - alpha);
    }

    /**
     * Resizes planar square images (C, src, src) → (C, dst, dst) by exact area averaging: each output pixel is the
     * mean of the source area it covers, partial pixels weighted by their covered fraction (64→32 is the mean of
     * each 2×2 block). Separable: rows, then columns.
     */
    static float[] areaResize(float[] chw, int channels, int src, int dst) {
        if (src == dst) {
            return chw.clone();
        }
        double[][] weights = areaWeights(src, dst); // (dst, src)
        float[] out = new float[channels * dst * dst];
        double[] rows = new double[src * dst]; // one channel after resizing along x: (src, dst)
        for (int c = 0; c < channels; c++) {
            int in = c * src * src;
            for (int y = 0; y < src; y++) {
                for (int j = 0; j < dst; j++) {
                    double sum = 0;
                    for (int x = 0; x < src; x++) {
                        sum += weights[j][x] * chw[in + y * src + x];
                    }
                    rows[y * dst + j] = sum;
                }
            }
            int o = c * dst * dst;
            for (int i = 0; i < dst; i++) {
                for (int j = 0; j < dst; j++) {
                    double sum = 0;
                    for (int y = 0; y < src; y++) {
                        sum += weights[i][y] * rows[y * dst + j];
                    }
                    out[o + i * dst + j] = (float) sum;
                }
            }
        }
        return out;
    }

    /**
     * Area weights (dst, src): output pixel {@code o} covers source interval [o·src/dst, (o+1)·src/dst); its weight
     * on source pixel {@code s} is the overlap with [s, s+1) divided by the interval's length src/dst. Computed in
     * units of 1/dst so the overlaps are exact integers; each row sums to 1.
     */
    static double[][] areaWeights(int src, int dst) {
        double[][] weights = new double[dst][src];
        for (int o = 0; o < dst; o++) {
            long lo = (long) o * src;
            long hi = (long) (o + 1) * src;
            for (int s = 0; s < src; s++) {
                long overlap = Math.min(hi, (long) (s + 1) * dst) - Math.max(lo, (long) s * dst);
                if (overlap > 0) {
                    weights[o][s] = overlap / (double) src;
                }
            }
        }
        return weights;
    }
}
