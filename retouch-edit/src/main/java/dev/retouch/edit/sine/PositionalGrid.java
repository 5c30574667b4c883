package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * SINE's fixed 2-D sinusoidal positional embedding F(v) (Zhang et al. 2023, §3.3), added to the output of the
 * fine-tuned UNet's first convolution. The grid is built ONCE for the whole training image at its latent
 * resolution (gridHeight × gridWidth cells, e.g. 16×16 for a 64×64 emoji), with D = the UNet's first-level channels:
 * <pre>
 *   f_k = T^(−2k / (D/2)),   k = 0 … D/4 − 1,   T = 10000
 *   P[2k,       y, x] = sin(x·f_k)     P[2k + 1,       y, x] = cos(x·f_k)
 *   P[D/2 + 2k, y, x] = sin(y·f_k)     P[D/2 + 2k + 1, y, x] = cos(y·f_k)
 * </pre>
 * with x, y the cell's column and row. A crop box v (in cells) is cut out of the grid and resized bilinearly
 * (half-pixel centres, {@code align_corners = false}) to the latent size the UNet sees; with no crop box the whole
 * grid is resized to the latent size of the output, which is what lets the model sample other sizes (§3.3: "the
 * positional embedding of the whole image"). Immutable.
 */
public final class PositionalGrid {
    public static final double TEMPERATURE = 10000.0;
    private final int channels;
    private final int height;
    private final int width;
    private final Tensor grid; // (1, D, Hg, Wg)

    public PositionalGrid(int channels, int height, int width) {
        if (channels < 4 || channels % 4 != 0) {
            throw new IllegalArgumentException("positional channels must be a positive multiple of 4, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("positional grid must be at least 1×1, got " + height + "×" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.grid = Tensors.keep(Tensors.of(sinusoidal(channels, height, width), 1, channels, height, width));
    }

    /** The (D, H, W) grid above, channel-major, as floats. */
    public static float[] sinusoidal(int channels, int height, int width) {
        int half = channels / 2;
        float[] p = new float[channels * height * width];
        for (int k = 0; k < half / 2; k++) {
            double f = Math.pow(TEMPERATURE, -2.0 * k / half);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = y * width + x;
                    p[(2 * k) * height * width + at] = (float) Math.sin(x * f);
                    p[(2 * k + 1) * height * width + at] = (float) Math.cos(x * f);
                    p[(half + 2 * k) * height * width + at] = (float) Math.sin(y * f);
                    p[(half + 2 * k + 1) * height * width + at] = (float) Math.cos(y * f);
                }
            }
        }
        return p;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The whole grid (1, D, Hg, Wg); do not modify. */
    public Tensor grid() {
        return grid;
    }

    /** The crop box's part of the grid resized to (1, D, outHeight, outWidth). */
    public Tensor crop(CropBox box, int outHeight, int outWidth) {
        if (!box.fitsIn(height, width)) {
            throw new IllegalArgumentException("crop box " + box + " is outside the " + height + "×" + width + " grid");
        }
        Tensor part = grid.narrow(2, box.top(), box.height()).narrow(3, box.left(), box.width());
        return resize(part, outHeight, outWidth);
    }

    /** The whole grid resized to (1, D, outHeight, outWidth): the embedding for sampling at any latent size. */
    public Tensor whole(int outHeight, int outWidth) {
        return resize(grid, outHeight, outWidth);
    }

    private static Tensor resize(Tensor part, int outHeight, int outWidth) {
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + outHeight + "×" + outWidth);
        }
        if (part.size(2) == outHeight && part.size(3) == outWidth) {
            return part.contiguous().clone();
        }
        return torch.upsample_bilinear2d(part.contiguous(), new long[]{outHeight, outWidth}, false);
    }
}
