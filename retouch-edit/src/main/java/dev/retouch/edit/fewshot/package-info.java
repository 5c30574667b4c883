/**
 * fewshot: learn an editing effect from a few before/after pairs, trained from scratch (paper 000, "Customize
 * Your Own Paired Data via Few-shot Way", Chen et al.). There is no official code; everything below is our reading
 * of the paper's text.
 *
 * <h2>Map to the paper</h2>
 * <ul>
 *   <li>§3.1 n-source-to-n-target: {@link dev.retouch.edit.fewshot.FewshotTask} draws, with replacement, a target
 *       pair j and n − 1 source pairs i per sample; n = {@link dev.retouch.edit.fewshot.FewshotConfig#groupSize}
 *       (paper: 2). n = 1 makes the target's own pair its source: "one-source-to-one-target", Table 2's
 *       "without n-n" ({@link dev.retouch.edit.fewshot.EffectVariant#ONE}).</li>
 *   <li>§3.2 M_x: {@link dev.retouch.edit.fewshot.FlowNet} predicts the flow F and colour affine C;
 *       {@link dev.retouch.edit.fewshot.Warp} is Eq. (1) (bilinear grid sampling), Eq. (2) (C₁·I + C₂) and
 *       Eq. (3) (x̂_j = T_c(T_s(x_i))), trained by MSE(x̂_j, x_j).</li>
 *   <li>§3.2 M_e: {@link dev.retouch.edit.fewshot.FlowEmbedding} embeds [F, C] into tokens; M_y: a latent
 *       {@link dev.retouch.diffusion.dit.DiT} (patchify with dual PatchNorm, adaLN time conditioning,
 *       cross-attention to the M_e tokens) whose input is y_i(t) concatenated with x_j and whose target is y_j
 *       (x₀-prediction, {@link dev.retouch.diffusion.schedule.PredictionType#SAMPLE}); linear β schedule.</li>
 *   <li>§3.3 the jointly trained autoencoder with encoder→decoder skips and decoder noise:
 *       {@link dev.retouch.edit.fewshot.SkipAutoencoder}; the frequency constraint:
 *       {@link dev.retouch.edit.fewshot.FocalFrequencyLoss} (Jiang et al. 2021); flip / colour-jitter / affine
 *       augmentation of (x_j, y_j): {@link dev.retouch.edit.fewshot.Augment}.</li>
 *   <li>§4.2 DIoU: {@link dev.retouch.core.metrics.EditRegions}; Table 1's pix2pix baseline:
 *       {@link dev.retouch.edit.fewshot.DirectRegressor}.</li>
 *   <li>The effect on disk: {@link dev.retouch.edit.fewshot.Effect}; applying it:
 *       {@link dev.retouch.edit.fewshot.FewshotSampler}.</li>
 * </ul>
 *
 * <h2>Readings of under-specified points</h2>
 * <ul>
 *   <li><b>x_i or x_j concatenated.</b> §3.2 concatenates x_j to y_i(t); §3.3 and §5.2 say x_i; Table 2 says
 *       "without x_j". We concatenate (the latent of) x_j: it is the only image spatially aligned with the target
 *       y_j, the user's image at inference, and the name Table 2 uses. x_i reaches M_y only through [F, C].</li>
 *   <li><b>What M_x sees.</b> "M_x takes in x_i" yet must produce the transformation to x_j, so it takes [x_i, x_j].
 *       It predicts at half resolution and upsamples bilinearly (a smooth field; a quarter of the cost). F is stored
 *       as a displacement in normalised coordinates (Eq. 1's absolute position = identity grid + F), C₁ = 1 + ΔC₁,
 *       so a zero output is the identity.</li>
 *   <li><b>Where the losses live.</b> M_y's x₀-prediction is taken against E(y_j) in latent space (with the
 *       target's gradient stopped) and, decoded, against y_j in pixels with the focal frequency loss; the
 *       autoencoder also reconstructs y_j from E(y_j). The paper's "VAE" is trained jointly as a plain
 *       autoencoder ("dimension compressing"): no KL term; latents are scaled to unit RMS so the encoder cannot
 *       outgrow the diffusion noise.</li>
 *   <li><b>Skips from which image, carrying what.</b> The decoder's skip features come from the encoding of x_j,
 *       the image whose structure y_j keeps and the only one available at inference. The paper adds them "to capture
 *       the high frequency information"; we pass only that part, each skip minus its average over latent cells
 *       ({@link dev.retouch.edit.fewshot.AutoencoderConfig#highPassSkips}). With full skips the decoder became a
 *       U-Net from x_j to y_j that ignored the latent (in a short run on 20 emoji pairs its held-out output was
 *       the same whether it decoded M_y's prediction, E(y_j), zeros or noise), which makes M_y, and with it the
 *       n-n training, irrelevant. {@code retouch train fewshot --skips full|none} trains the alternatives.</li>
 *   <li><b>n &gt; 2.</b> The n − 1 noised source latents are concatenated channel-wise (M_y's input has
 *       (n − 1 + 1)·c channels) and their token sets along the token axis, each with a learned source embedding.</li>
 *   <li><b>The sampling loop.</b> Training teaches one map (y_i(t), x_j, [F, C]_{i→j}) ↦ y_j for every t. At
 *       inference {@link dev.retouch.edit.fewshot.FewshotSampler} draws the source pairs from the training pairs
 *       with the request's seed and runs a deterministic DDIM chain whose sample is the noised source latents,
 *       started at √ᾱ·E(y_i) + √(1 − ᾱ)·ε (the paper's y_i(t), exactly the training input) and stepped with M_y's
 *       prediction of E(y_j) as x₀; the condition [F, C]_{i→j} and x_j stay fixed, the last prediction is
 *       decoded. By default the chain starts from the highest level (start = 1, 10 steps), where the two variants
 *       are compared on equal terms (the one-to-one model has no y to start from); {@code start} &lt; 1 lets y_i
 *       shape the start, and {@code ensemble} averages chains with different source draws. The evaluation
 *       measures these alternatives.</li>
 *   <li><b>Augmentation.</b> One draw per sample, applied identically to x_j and y_j (a colour effect would be
 *       corrupted by jittering only one side); mild by default.</li>
 * </ul>
 */
package dev.retouch.edit.fewshot;
