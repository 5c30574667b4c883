package dev.retouch.core.image;

import dev.retouch.core.RetouchException;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Decoded pixels to planar RGB in [0, 1], from the raster's raw samples and the colour model's layout (no colour
 * management): palette lookup, grey replicated, samples divided by {@code 2^bits - 1}, alpha composited on a
 * uniform background (white for images, black for masks).
 */
final class PixelConverter {

    private PixelConverter() {
    }

    /** The image as (3, H, W) floats in [0, 1], composited on {@code background} (1 = white, 0 = black). */
    static float[] toChw(BufferedImage image, String file, float background) {
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(image.getRaster(), icm, background);
        }
        int colours = switch (cm.getColorSpace().getType()) {
            case ColorSpace.TYPE_GRAY -> 1;
            case ColorSpace.TYPE_RGB -> 3;
            default -> throw new RetouchException(file + ": expected an RGB or grey image, found colour space type "
                    + cm.getColorSpace().getType() + " (e.g. CMYK)");
        };
        return fromComponents(image.getRaster(), cm, colours, background);
    }

    private static float[] fromPalette(Raster raster, IndexColorModel icm, float background) {
        int size = icm.getMapSize();
        float[][] lut = new float[3][size];
        for (int i = 0; i < size; i++) {
            float a = icm.getAlpha(i) / 255f;
            lut[0][i] = composite(icm.getRed(i) / 255f, a, background);
            lut[1][i] = composite(icm.getGreen(i) / 255f, a, background);
            lut[2][i] = composite(icm.getBlue(i) / 255f, a, background);
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = w * h;
        float[] chw = new float[3 * n];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int index = Math.min(row[x], size - 1);
                for (int c = 0; c < 3; c++) {
                    chw[c * n + y * w + x] = lut[c][index];
                }
            }
        }
        return chw;
    }

    private static float[] fromComponents(Raster raster, ColorModel cm, int colours, float background) {
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha();
        boolean premultiplied = cm.isAlphaPremultiplied();
        float[] scale = new float[bands];
        for (int b = 0; b < bands; b++) {
            scale[b] = 1f / ((1L << cm.getComponentSize(b)) - 1);
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = w * h;
        float[] chw = new float[3 * n];
        int[] row = new int[bands * w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                float a = alpha ? row[p + colours] * scale[colours] : 1f;
                for (int c = 0; c < 3; c++) {
                    int band = colours == 1 ? 0 : c;
                    float v = row[p + band] * scale[band];
                    chw[c * n + y * w + x] = premultiplied ? clamp01(v + background * (1f - a))
                            : composite(v, a, background);
                }
            }
        }
        return chw;
    }

    /** Straight alpha over the background: {@code v * a + background * (1 - a)}. */
    private static float composite(float v, float a, float background) {
        return clamp01(v * a + background * (1f - a));
    }

    private static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
