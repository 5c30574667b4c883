/**
 * Retouch core: tensor helpers, the {@code nn} module system, {@code io} (safetensors, model directories, atomic
 * writes), {@code image} (PNG/JPEG to tensors, resize, masks) and {@code metrics} (PSNR, SSIM, MAE, IoU).
 * Nothing here knows about diffusion.
 */
package dev.retouch.core;
