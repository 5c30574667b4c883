/**
 * CLIP (Radford et al. 2021) as transformers names it: the text and vision transformers and their projections
 * ({@link dev.retouch.diffusion.clip.ClipModel}), bundled with its BPE vocabulary as
 * {@link dev.retouch.diffusion.clip.Clip} (tokenise, hidden states for conditioning, image·text score), and the
 * retrieval accuracy used to check a trained CLIP ({@link dev.retouch.diffusion.clip.ClipRetrieval}). The text
 * encoder conditions the latent models; the image tower serves CLIP losses and descriptive scores, never a verdict.
 */
package dev.retouch.diffusion.clip;
