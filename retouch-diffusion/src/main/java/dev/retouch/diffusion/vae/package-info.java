/**
 * The autoencoder of the latent world: diffusers' {@code AutoencoderKL} ({@link dev.retouch.diffusion.vae.AutoencoderKL},
 * Rombach et al. 2022) with its encoder and decoder stacks and the diagonal Gaussian posterior, parameter names as
 * diffusers so Stable Diffusion's VAE loads into the same classes; {@link dev.retouch.diffusion.vae.VaeScores} are
 * its reconstruction metrics. Training lives in {@code diffusion.train.VaeTask}.
 */
package dev.retouch.diffusion.vae;
