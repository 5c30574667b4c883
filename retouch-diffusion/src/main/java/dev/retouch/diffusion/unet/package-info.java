/**
 * Denoising networks: the pixel-space {@link dev.retouch.diffusion.unet.UNet2DModel} and the latent, text-conditioned
 * {@link dev.retouch.diffusion.unet.UNet2DConditionModel} (Stable Diffusion's UNet), each configured by structure
 * ({@link dev.retouch.diffusion.unet.UNet2DConfig}, {@link dev.retouch.diffusion.unet.UNet2DConditionConfig}). Both are
 * built from the same blocks: resnets, down/up blocks that keep the skip connections, and an attention layer after
 * each resnet that is either self-attention or a {@link dev.retouch.diffusion.unet.Transformer2DModel} cross-attending
 * to a context. Structure and parameter names follow diffusers ({@code UNet2DModel}, {@code UNet2DConditionModel},
 * {@code ResnetBlock2D}, {@code Transformer2DModel}, {@code BasicTransformerBlock}, {@code Attention}), so diffusers
 * checkpoints map key for key.
 */
package dev.retouch.diffusion.unet;
