/**
 * Images as data: {@link dev.retouch.core.image.RgbImage} (planar RGB floats in [0, 1]) and
 * {@link dev.retouch.core.image.Mask}; reading PNG/JPEG (composited on white, size-limited before decoding) and
 * writing PNG with text chunks atomically ({@link dev.retouch.core.image.Images}); exact resampling
 * ({@link dev.retouch.core.image.Resize}); and conversion to and from libtorch tensors in [−1, 1]
 * ({@link dev.retouch.core.image.ImageTensors}).
 */
package dev.retouch.core.image;
