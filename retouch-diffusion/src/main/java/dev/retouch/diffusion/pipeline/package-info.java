/**
 * Pipelines: the shared {@link dev.retouch.diffusion.pipeline.DenoiseLoop} (predict → guide → step → post-process
 * → report, with hooks) and the pixel-space baselines built on it: sampling, DDIM inversion/reconstruction, SDEdit.
 */
package dev.retouch.diffusion.pipeline;
