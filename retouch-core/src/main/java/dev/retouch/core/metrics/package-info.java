/**
 * Image-quality and label metrics in plain Java: PSNR, MSE, MAE, SSIM (matching scikit-image's
 * {@code structural_similarity} with Gaussian weights, checked against golden values from
 * {@code scripts/skimage_golden.py}), their masked variants inside or outside a region, IoU and pixel accuracy.
 * No tensors: everything works on {@link dev.retouch.core.image.RgbImage}, masks and plain arrays.
 */
package dev.retouch.core.metrics;
