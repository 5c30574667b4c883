package dev.retouch.edit.fewshot;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The explicit transformations of M_x (paper §3.2): the spatial transform T_s by a per-pixel flow (Eq. 1), the
 * colour shift T_c by a per-pixel affine (Eq. 2), and their composition x̂_j = T_c(T_s(x_i)) (Eq. 3).
 *
 * <p>Conventions. F (B, 2, H, W) holds, per output pixel, the displacement of the position read in the reference
 * image, in normalised image coordinates (channel 0 along the width, channel 1 along the height; the image spans
 * [−1, 1], so one pixel is 2/W resp. 2/H). Eq. (1)'s absolute coordinates are the identity grid plus F; storing the
 * displacement makes F = 0 the identity. Sampling is bilinear with {@code align_corners = false} (pixel centres at
 * (2k + 1)/W − 1, matching the identity grid built here), so an integer-pixel displacement copies pixels exactly;
 * positions outside the image take the nearest border pixel. C (B, 2, H, W) holds the scale C₁ and the shift C₂,
 * shared by the colour channels.
 */
final class Warp {
    private static final long BILINEAR = 0;
    private static final long BORDER = 1;

    private Warp() {
    }

    /** Eq. (1): I_flow(h, w) = I_ref at (grid(h, w) + F(h, w)). ref (B, C, H, W), flow (B, 2, H, W) → (B, C, H, W). */
    public static Tensor spatial(Tensor ref, Tensor flow) {
        long h = ref.size(2);
        long w = ref.size(3);
        Tensor grid = identityGrid(h, w).add(flow.permute(0, 2, 3, 1)); // (B, H, W, 2) as (x, y)
        return torch.grid_sampler(ref, grid, BILINEAR, BORDER, false);
    }

    /** Eq. (2): I_aff = C₁ ⊙ I + C₂. image (B, C, H, W), colour (B, 2, H, W) → (B, C, H, W). */
    public static Tensor colour(Tensor image, Tensor colour) {
        return image.mul(colour.narrow(1, 0, 1)).add(colour.narrow(1, 1, 1));
    }

    /** Eq. (3): x̂_j = T_c(T_s(x_i)). */
    public static Tensor apply(Tensor xi, Tensor flow, Tensor colour) {
        return colour(spatial(xi, flow), colour);
    }

    /** The identity sampling grid (1, H, W, 2) of pixel centres in normalised (x, y) coordinates. */
    static Tensor identityGrid(long h, long w) {
        float[] g = new float[(int) (h * w * 2)];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (int) ((y * w + x) * 2);
                g[i] = (2f * x + 1f) / w - 1f;
                g[i + 1] = (2f * y + 1f) / h - 1f;
            }
        }
        return Tensors.of(g, 1, h, w, 2);
    }

    /** A flow of whole pixels: every output pixel reads the pixel (dx, dy) away. Returns (1, 2, H, W). */
    public static Tensor pixelShift(long h, long w, double dx, double dy) {
        Tensor fx = torch.full(new long[]{1, 1, h, w}, Tensors.s(2 * dx / w));
        Tensor fy = torch.full(new long[]{1, 1, h, w}, Tensors.s(2 * dy / h));
        return Tensors.cat(1, fx, fy);
    }
}
