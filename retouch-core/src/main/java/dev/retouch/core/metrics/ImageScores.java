package dev.retouch.core.metrics;

/**
 * The usual image-comparison scores of one image against a reference, all on [0, 1] images (data range 1).
 *
 * @param psnr peak signal-to-noise ratio in dB; {@code +∞} when the images (or selected regions) are identical
 * @param ssim structural similarity as scikit-image (Gaussian σ = 1.5, K1 = 0.01, K2 = 0.03)
 * @param mae  mean absolute error over pixels and channels
 */
public record ImageScores(double psnr, double ssim, double mae) {
}
