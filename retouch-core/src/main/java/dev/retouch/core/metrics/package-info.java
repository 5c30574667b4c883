/**
 * Image-quality and label metrics in plain Java: PSNR, MSE, MAE, SSIM (matching scikit-image's
 * {@code structural_similarity} with Gaussian weights, checked against golden values from
 * {@code scripts/skimage_golden.py}), their masked variants inside or outside a region, IoU and pixel accuracy,
 * edit regions and DIoU ({@link dev.retouch.core.metrics.EditRegions}, paper 000 §4.2) and the Fréchet distance
 * between Gaussian fits of feature sets ({@link dev.retouch.core.metrics.FrechetDistance}). No tensors: everything works on
 * {@link dev.retouch.core.image.RgbImage}, masks and plain arrays.
 */
package dev.retouch.core.metrics;
