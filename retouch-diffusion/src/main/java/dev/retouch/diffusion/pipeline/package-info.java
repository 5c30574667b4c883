/**
 * Pipelines: the shared {@link dev.retouch.diffusion.pipeline.DenoiseLoop} (predict → guide → step → post-process
 * → report, with hooks) and the baselines built on it. Pixel space ({@link dev.retouch.diffusion.pipeline.PixelPipelines}):
 * sampling, DDIM inversion/reconstruction, SDEdit. Latent space ({@link dev.retouch.diffusion.pipeline.LatentPipelines}):
 * text-to-image, img2img/SDEdit, DDIM inversion/reconstruction, all guided through a
 * {@link dev.retouch.diffusion.pipeline.GuidedDenoiser} that evaluates the branches of a
 * {@link dev.retouch.diffusion.pipeline.Guidance} (classifier-free, Ho &amp; Salimans 2022, or nested over several
 * conditions, InstructPix2Pix Eq. 3) in one batched UNet pass; {@link dev.retouch.diffusion.pipeline.PromptStates}
 * holds the prompt and negative-prompt branches; {@link dev.retouch.diffusion.pipeline.DiffEditMask} is DiffEdit's
 * (Couairon et al. 2022) mask from the difference of two conditions' noise estimates.
 */
package dev.retouch.diffusion.pipeline;
