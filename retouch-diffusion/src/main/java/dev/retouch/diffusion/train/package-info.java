/**
 * The training loop shared by every model: {@link dev.retouch.diffusion.train.Trainer} over a
 * {@link dev.retouch.diffusion.train.TrainingTask}, with our own {@link dev.retouch.diffusion.train.AdamW} (so its
 * state is checkpointable), EMA, gradient clipping, warm-up, atomic checkpoints and exact resume.
 */
package dev.retouch.diffusion.train;
