package dev.retouch.core.metrics;

import dev.retouch.core.engine.Convolution;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The same SSIM as {@link Metrics#ssim} (scikit-image, Gaussian σ = 1.5 over an 11×11 window, population
 * (co)variances, 5-pixel border cropped) as differentiable tensor maths, for losses: the cropped interior of a
 * reflect-padded filter equals a "valid" convolution, so no padding is needed. Images must be at least 11×11.
 */
public final class TensorSsim {
    private TensorSsim() {
    }

    /** Mean SSIM per image over channels and the cropped interior: a, b (B, C, H, W) → (B). */
    public static Tensor ssim(Tensor a, Tensor b, double dataRange) {
        long c = a.size(1);
        Tensor g = window(c);
        double c1 = Math.pow(Ssim.K1 * dataRange, 2);
        double c2 = Math.pow(Ssim.K2 * dataRange, 2);
        Tensor ux = filter(a, g, c);
        Tensor uy = filter(b, g, c);
        Tensor uxx = filter(a.mul(a), g, c);
        Tensor uyy = filter(b.mul(b), g, c);
        Tensor uxy = filter(a.mul(b), g, c);
        Tensor vx = uxx.sub(ux.mul(ux));
        Tensor vy = uyy.sub(uy.mul(uy));
        Tensor vxy = uxy.sub(ux.mul(uy));
        Tensor num = ux.mul(uy).mul(Tensors.s(2)).add(Tensors.s(c1)).mul(vxy.mul(Tensors.s(2)).add(Tensors.s(c2)));
        Tensor den = ux.mul(ux).add(uy.mul(uy)).add(Tensors.s(c1)).mul(vx.add(vy).add(Tensors.s(c2)));
        return num.div(den).flatten(1, -1).mean(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    }

    /** Depthwise 11×11 Gaussian kernel (C, 1, 11, 11). */
    private static Tensor window(long channels) {
        int w = Ssim.WINDOW;
        float[] k = new float[w * w];
        for (int i = 0; i < w; i++) {
            for (int j = 0; j < w; j++) {
                k[i * w + j] = (float) (Ssim.WEIGHTS[i] * Ssim.WEIGHTS[j]);
            }
        }
        return Tensors.of(k, 1, 1, w, w).expand(channels, 1, w, w).contiguous();
    }

    private static Tensor filter(Tensor x, Tensor window, long channels) {
        return Convolution.conv2d(x, window, null, new long[]{1, 1}, new long[]{0, 0}, channels);
    }
}
