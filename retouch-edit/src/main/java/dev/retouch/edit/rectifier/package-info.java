/**
 * rectifier (paper 002, "High-Fidelity Diffusion-based Image Editing"): a hypernetwork that modulates the frozen
 * UNet's middle and up-block convolutions per sample and per step from the residual between the original image and
 * the model's estimate, θ̂ = θ·(1 + Δ). Class by class, against the paper:
 * <ul>
 *   <li>{@link dev.retouch.edit.rectifier.RectifierConfig}: which layers are modulated (every convolution of the
 *       middle and up blocks, Fig. 2) and the sizes;</li>
 *   <li>{@link dev.retouch.edit.rectifier.Rectifier}: the global encoder over [x₀, P_t(ε_θ(x_t))] and one subnet per
 *       layer emitting the two slim factors of Δ (Fig. 2, supplementary Fig. 9); the per-sample modulation is
 *       {@link dev.retouch.core.nn.Conv2d#modulated}, one grouped convolution over the batch;</li>
 *   <li>{@link dev.retouch.edit.rectifier.RectifiedModel}: the two-pass rectified prediction (Eq. 1–2) and
 *       reconstruction by DDIM inversion and regeneration with it;</li>
 *   <li>{@link dev.retouch.edit.rectifier.RectifierTask}: reconstruction training, the noise-fitting loss (Eq. 3);</li>
 *   <li>{@link dev.retouch.edit.rectifier.DirectionalClipLoss}: the directional CLIP loss (Eq. 4);</li>
 *   <li>{@link dev.retouch.edit.rectifier.RectifierEditTask}: editing training as Algorithm 1 (from the original
 *       trajectory, whole interval) with L_edit = λ_CLIP·L_direction + λ_recon·L1 (Eq. 5–6);</li>
 *   <li>{@link dev.retouch.edit.rectifier.RectifierEdit}, {@link dev.retouch.edit.rectifier.RectifierEditor}: an
 *       edit directory and editing an image with it (inversion with the reconstruction rectifier, regeneration with
 *       the editing one);</li>
 *   <li>{@link dev.retouch.edit.rectifier.DiffusionClipTask}: the DiffusionCLIP-style baseline the paper compares
 *       with (whole UNet fine-tuned, Markovian, over [0, t₀]);</li>
 *   <li>{@link dev.retouch.edit.rectifier.EditImages}: the training images of an edit.</li>
 * </ul>
 */
package dev.retouch.edit.rectifier;
