/**
 * The training loop shared by every model: {@link dev.retouch.diffusion.train.Trainer} over a
 * {@link dev.retouch.diffusion.train.TrainingTask}, with our own {@link dev.retouch.diffusion.train.AdamW} (so its
 * state is checkpointable), EMA, gradient clipping, warm-up, atomic checkpoints and exact resume. Tasks: pixel DDPM
 * ({@link dev.retouch.diffusion.train.DdpmTask}), the autoencoder ({@link dev.retouch.diffusion.train.VaeTask}), CLIP
 * ({@link dev.retouch.diffusion.train.ClipTask}) and the latent diffusion model
 * ({@link dev.retouch.diffusion.train.LdmTask} on {@link dev.retouch.diffusion.train.LdmData}: latents and caption
 * states computed once, caption dropout for classifier-free guidance).
 */
package dev.retouch.diffusion.train;
