/**
 * portrait (paper 003, "Learning Feature-Preserving Portrait Editing from Generated Pairs"): pairs generated in one
 * two-panel denoising pass, a multi-conditioned diffusion model trained on them, and mask-guided inference. Class by
 * class, against the paper:
 * <ul>
 *   <li>{@link dev.retouch.edit.portrait.PortraitTask}: the two emoji tasks (expression; man ↔ woman with person),
 *       their four directions each, the prompts pairs are generated from (train split only) and the real held-out
 *       man/woman pairs (§4's datasets, here with real ground truth);</li>
 *   <li>{@link dev.retouch.edit.portrait.PairGeneration}: §3.2, Eq. 2 — composable guidance over a double-width
 *       canvas ({@link dev.retouch.diffusion.pipeline.RegionalDenoiser}: shared prompt s'_d = 0.1 everywhere,
 *       source and target prompts s'_a = s'_b = 0.9 on the left and right halves) with a model taught two-panel
 *       canvases ({@code train ldm --two-panel}, {@link dev.retouch.data.emoji.PanelPairs},
 *       {@link dev.retouch.diffusion.train.TwoPanelTask}); the paper's pose ControlNet and identity encoder have no
 *       counterpart;</li>
 *   <li>{@link dev.retouch.edit.portrait.PortraitPairs}: the generated pair folder and its manifest;</li>
 *   <li>{@link dev.retouch.edit.portrait.Mcdm}, {@link dev.retouch.edit.portrait.ImageAdapter}: §3.3, Fig. 5 — the
 *       UNet with conv_in widened for the spatial condition c_s = E(x_A) (new channels zero, supplementary §1.2) and
 *       the image tokens c_im = MLP([E(x_A), CLIP_im(x_A)]) appended to the text tokens;</li>
 *   <li>{@link dev.retouch.edit.portrait.PortraitTrainTask}: §3.3's training — 5 % reconstruction samples (x_B := x_A,
 *       p_b := p_a), 20 % dropout of a random combination of the three conditions;</li>
 *   <li>{@link dev.retouch.edit.portrait.PortraitConfig}, {@link dev.retouch.edit.portrait.PortraitModel}: a trained
 *       model directory bound to its base, with the ablation variants of Table 1;</li>
 *   <li>{@link dev.retouch.edit.portrait.PortraitEditor}, {@link dev.retouch.edit.portrait.MaskSettings},
 *       {@link dev.retouch.edit.portrait.PortraitEditRequest}: §3.4 and supplementary §1.3 — three-scale guidance
 *       (Eq. 1 with three conditions; the paper's s = 3/3/5 and the official code's 3/2/4), UniPC 20 steps, the
 *       editing mask from the trained model (DiffEdit-style; the paper's binary λ-threshold or the code's soft
 *       mask) and the blend of Eq. 3.</li>
 * </ul>
 */
package dev.retouch.edit.portrait;
