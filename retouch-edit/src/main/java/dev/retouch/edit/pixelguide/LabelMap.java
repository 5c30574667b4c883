package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** A per-pixel map of {@link FaceClass} ids, row-major (H, W), stored as a PNG in the class palette. */
public record LabelMap(int width, int height, byte[] classes) {
    public LabelMap {
        if (width < 1 || height < 1 || classes.length != width * height) {
            throw new IllegalArgumentException("label map " + width + "x" + height + " needs " + width * height
                    + " entries, found " + classes.length);
        }
        for (byte c : classes) {
            if (c < 0 || c >= FaceClass.values().length) {
                throw new IllegalArgumentException("class id " + c + " outside the palette");
            }
        }
    }

    public FaceClass get(int y, int x) {
        return FaceClass.values()[classes[y * width + x]];
    }

    /** Number of pixels of class {@code c}. */
    public int count(FaceClass c) {
        int n = 0;
        for (byte b : classes) {
            n += b == c.ordinal() ? 1 : 0;
        }
        return n;
    }

    /**
     * Removes specks: a pixel with no 8-neighbour of its own class takes the most frequent class among its neighbours
     * (the first in palette order on a tie). Every connected group of two or more pixels stays, thin lines included.
     */
    public LabelMap despeckle() {
        byte[] out = classes.clone();
        int k = FaceClass.values().length;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] counts = new int[k];
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if ((dy != 0 || dx != 0) && yy >= 0 && yy < height && xx >= 0 && xx < width) {
                            counts[classes[yy * width + xx]]++;
                        }
                    }
                }
                if (counts[classes[y * width + x]] == 0) {
                    int best = 0;
                    for (int c = 1; c < k; c++) {
                        if (counts[c] > counts[best]) {
                            best = c;
                        }
                    }
                    out[y * width + x] = (byte) best;
                }
            }
        }
        return new LabelMap(width, height, out);
    }

    /** The map as an RGB image in the palette. */
    public RgbImage toImage() {
        int n = width * height;
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int rgb = FaceClass.values()[classes[i]].rgb();
            chw[i] = ((rgb >> 16) & 255) / 255f;
            chw[n + i] = ((rgb >> 8) & 255) / 255f;
            chw[2 * n + i] = (rgb & 255) / 255f;
        }
        return new RgbImage(width, height, chw);
    }

    public void writePng(Path file) {
        Images.writePng(file, toImage(), Map.of("Software", "retouch 0.1.0", "retouch.palette", "FaceClass"));
    }

    /** Reads a palette PNG; any colour outside the palette is an error naming the pixel and the colour. */
    public static LabelMap readPng(Path file) {
        return ofPalette(Images.read(file, 4096L * 4096L), file.toString());
    }

    /**
     * The map painted in the class palette ({@link FaceClass#rgb()}); any other colour is an error naming
     * {@code source}, the pixel and the colour.
     */
    public static LabelMap ofPalette(RgbImage img, String source) {
        int n = img.width() * img.height();
        byte[] classes = new byte[n];
        float[] chw = img.chw();
        for (int i = 0; i < n; i++) {
            int rgb = (Math.round(chw[i] * 255) << 16) | (Math.round(chw[n + i] * 255) << 8) | Math.round(chw[2 * n + i] * 255);
            FaceClass c = FaceClass.ofColour(rgb);
            if (c == null) {
                throw new RetouchException(source + ": pixel (" + i % img.width() + ", " + i / img.width()
                        + ") has colour #" + String.format("%06X", rgb) + ", which is not in the class palette "
                        + Arrays.stream(FaceClass.values()).map(k -> k.label() + "=#" + String.format("%06X", k.rgb())).toList());
            }
            classes[i] = (byte) c.ordinal();
        }
        return new LabelMap(img.width(), img.height(), classes);
    }
}
