/**
 * Diffusion transformers: {@link dev.retouch.diffusion.dit.DiT} (Peebles &amp; Xie 2023) over a latent grid with
 * dual-PatchNorm patchify ({@link dev.retouch.diffusion.dit.PatchEmbed}, Kumar et al. 2023), adaLN-Zero time
 * conditioning and cross-attention to a context in every {@link dev.retouch.diffusion.dit.DiTBlock}. The model never
 * sees a schedule: it maps (x_t, t, context) to the schedule's prediction type.
 */
package dev.retouch.diffusion.dit;
