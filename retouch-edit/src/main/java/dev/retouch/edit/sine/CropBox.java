package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;

/**
 * A sub-area v = [h1, w1, h2, w2] of the training image (§3.3) in latent cells: rows top … top + height − 1,
 * columns left … left + width − 1. Cells are the autoencoder's factor in pixels, so every box is aligned to the
 * latent grid.
 */
public record CropBox(int top, int left, int height, int width) {
    public CropBox {
        if (top < 0 || left < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("crop box needs top, left >= 0 and height, width >= 1, got " + top
                    + ", " + left + ", " + height + ", " + width);
        }
    }

    /** The whole grid. */
    public static CropBox whole(int gridHeight, int gridWidth) {
        return new CropBox(0, 0, gridHeight, gridWidth);
    }

    public boolean fitsIn(int gridHeight, int gridWidth) {
        return top + height <= gridHeight && left + width <= gridWidth;
    }

    /**
     * A random box as SINE's patch sampling (§4, "height and width uniformly in [0.1H, H] × [0.1W, W]"): each
     * side u·n with u uniform in [minFraction, 1], rounded to whole cells and kept in [⌈minFraction·n⌉, n]; the
     * position uniform over the cells where the box fits. Four uniforms from {@code gen}.
     */
    public static CropBox sample(int gridHeight, int gridWidth, double minFraction, Generator gen) {
        if (!(minFraction > 0 && minFraction <= 1)) {
            throw new IllegalArgumentException("minimum crop fraction must be in (0, 1], got " + minFraction);
        }
        float[] u = Tensors.toFloats(Tensors.rand(gen, 4));
        int h = side(gridHeight, minFraction, u[0]);
        int w = side(gridWidth, minFraction, u[1]);
        int top = Math.min(gridHeight - h, (int) Math.floor(u[2] * (gridHeight - h + 1)));
        int left = Math.min(gridWidth - w, (int) Math.floor(u[3] * (gridWidth - w + 1)));
        return new CropBox(top, left, h, w);
    }

    private static int side(int n, double minFraction, double u) {
        int min = Math.max(1, (int) Math.ceil(minFraction * n - 1e-9));
        int s = (int) Math.round((minFraction + (1 - minFraction) * u) * n);
        return Math.max(min, Math.min(n, s));
    }
}
