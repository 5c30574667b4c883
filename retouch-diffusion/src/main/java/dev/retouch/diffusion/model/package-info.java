/**
 * Models as stored on disk (config record + weights): loading, creating and saving them. Pixel space:
 * {@link dev.retouch.diffusion.model.PixelDiffusionModel} ({@code ddpm-unet2d}). Latent space (Rombach et al. 2022):
 * {@link dev.retouch.diffusion.model.LatentDiffusionModel} ({@code latent-diffusion}: the text-conditional UNet and
 * its noise process; the directory names its autoencoder and text encoder as paths relative to itself) and
 * {@link dev.retouch.diffusion.model.LatentDiffusion}, the three loaded together and checked to fit (latent
 * channels, text width).
 */
package dev.retouch.diffusion.model;
