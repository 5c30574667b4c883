/**
 * Denoising networks in pixel space: {@link dev.retouch.diffusion.unet.UNet2DModel} and its blocks, with structure
 * and parameter names following diffusers ({@code UNet2DModel}, {@code ResnetBlock2D}, {@code Attention}), so
 * diffusers checkpoints map key for key.
 */
package dev.retouch.diffusion.unet;
