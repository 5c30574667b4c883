/**
 * SINE: single-image editing with model-based classifier-free guidance and patch-based fine-tuning (Zhang et al.
 * 2023, paper 001).
 *
 * <p><b>Reading of the paper.</b> A copy ε̂_θ of the pretrained text-conditional UNet ε_θ is fine-tuned on the one
 * image with the prompt ĉ = "a photo of a sks &lt;class&gt;" ({@link dev.retouch.edit.sine.SineFinetuneTask}); the
 * autoencoder and text encoder stay frozen. Editing samples from random latent noise (not an inversion, as the
 * official code) with Eq. 3 ({@link dev.retouch.edit.sine.ModelGuidedDenoiser}):
 * <pre>
 *   t &gt; K:  ε̃ = ε_θ(z_t, ∅) + w·( v·ε_θ(z_t, c) + (1 − v)·ε̂_θ(z_t, ĉ, F) − ε_θ(z_t, ∅) )
 *   t ≤ K:  ε̃ = ε_θ(z_t, ∅) + w·( ε_θ(z_t, c) − ε_θ(z_t, ∅) )
 * </pre>
 * The unconditional branch is always the pretrained model's. <b>K convention:</b> timesteps are the schedule's
 * integer t in [0, T); the fine-tuned model takes part exactly when t &gt; K (so K = 0 mixes at every sampled step
 * except t = 0, K = T = 1000 never; defaults K = 400, v = 0.7, w = 5, the paper's). v = 1 is the pretrained
 * model's guidance alone; v = 0 puts the fine-tuned model's conditional prediction in place of the pretrained one
 * while t &gt; K.
 *
 * <p><b>Positional embedding</b> ({@link dev.retouch.edit.sine.PositionalGrid}): a fixed (non-learned) 2-D
 * sinusoidal grid of D = blockOutChannels[0] channels (64 for emoji-ldm) over the training image's latent cells
 * (16×16 for a 64×64 emoji): for k &lt; D/4, f_k = 10000^(−2k/(D/2)), channels 2k, 2k+1 are sin, cos of x·f_k and
 * channels D/2+2k, D/2+2k+1 are sin, cos of y·f_k, with x, y the cell's column and row. It is added to the output of
 * conv_in through {@code UNet2DConditionModel.forward(sample, t, context, positional)}. In fine-tuning the crop
 * box's cells are cut out of the grid and resized bilinearly ({@code align_corners = false}) to the training latent
 * size; when sampling at h×w latents (e.g. 16×24 for a 64×96 image) the whole grid is resized to h×w. The crop
 * sampler ({@link dev.retouch.edit.sine.CropBox}) draws each side u·n, u uniform in [0.1, 1], rounded to whole latent
 * cells (⌈0.1·n⌉ … n cells), at a uniform position where it fits; the image pixels of the box are resized bilinearly
 * to the training size (a non-square box is stretched to the square, as the paper resizes every patch to 512²).
 * {@link dev.retouch.edit.sine.Variant#NO_PATCHES} is the paper's "w/o pos": whole image, no embedding.
 *
 * <p><b>Choices where the paper is open.</b> (1) The grid is built at latent resolution, not pixel resolution, so
 * crop boxes aligned to the latent grid cut whole cells and the full box is the grid itself; positions are raw cell
 * indices (the paper says "normalization and Fourier embedding" but the grid's scale only matters relative to the
 * crop, which resizing keeps). (2) The embedding is added unscaled; the fine-tuned model learns to use it, the
 * pretrained one never sees it. (3) No caption dropout and no EMA while fine-tuning, AdamW without weight decay,
 * gradient clip 1, a short warm-up. (4) The emoji defaults (64×64, 4.29 M-parameter UNet, one CPU core, batch 4):
 * 4,000 steps for both variants, learning rate 5e-5 (the paper: 10,000 and 800 steps at 1e-6 on Stable Diffusion at
 * batch 1; our UNet is ~200× smaller and starts far less converged, so it needs a larger rate). After 4,000 steps the
 * fine-tuned model reproduces its image (the no-patches model alone: SSIM 0.70 to the test sources, 0.38 after the
 * earlier 800/300 steps), so lowering v or K brings the source back, as the paper describes; at the default (K, v)
 * SINE gained a little on both held-out splits (docs/EVALUATION.md). Measured on the AMD EPYC 2-core machine, one
 * thread, a second job on the other core: 6.4 steps per second with patches (the crops are encoded every step) and 9
 * without, i.e. about 10.5 and 7.5 minutes. (5) The model directory stores the whole fine-tuned UNet in fp16: a
 * difference to the base would be the same size in fp16, since fine-tuning moves every weight. The config names the
 * base model by a path relative to the directory, the class word, the variant, the grid and a format version.
 * (6) "Fine-tuned model alone" ({@link dev.retouch.edit.sine.SineSampling#fineTunedOnly}) is the paper's
 * "w/o guidance": ordinary classifier-free guidance with both branches from ε̂_θ and the edit prompt.
 * (7) {@link dev.retouch.edit.sine.SineAutoV} is ours, not the paper's: v chosen per image by the base's CLIP (K = 0).
 */
package dev.retouch.edit.sine;
