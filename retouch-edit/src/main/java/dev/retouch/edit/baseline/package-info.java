/**
 * The baselines every method is compared with, as {@link dev.retouch.edit.Editor}s over the shared pipelines of
 * {@code dev.retouch.diffusion.pipeline}: SDEdit in pixel space (Meng et al. 2022), img2img (SDEdit in latent space
 * with classifier-free guidance) and text-to-image generation. Defaults live in the request records.
 */
package dev.retouch.edit.baseline;
