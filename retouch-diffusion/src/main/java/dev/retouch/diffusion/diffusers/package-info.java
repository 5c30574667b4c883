/**
 * Stable Diffusion checkpoints in diffusers' directory layout, read into this library's own classes: the
 * components' configs ({@link dev.retouch.diffusion.diffusers.DiffusersConfigs}, diffusers' and transformers' keys
 * with their defaults and quirks), their weights ({@link dev.retouch.diffusion.diffusers.DiffusersWeights}: single,
 * fp16 or sharded safetensors, old names brought to ours) and the whole pipeline
 * ({@link dev.retouch.diffusion.diffusers.DiffusersPipeline}: a {@code LatentDiffusion}, or an inspection of
 * names, shapes and parameter counts without reading weights).
 */
package dev.retouch.diffusion.diffusers;
