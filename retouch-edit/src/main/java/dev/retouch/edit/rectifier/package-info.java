/**
 * rectifier (paper 002, "High-Fidelity Diffusion-based Image Editing"): a hypernetwork that modulates the frozen
 * UNet's middle and up-block convolutions per sample and per step from the residual between the original image and
 * the model's estimate, θ̂ = θ·(1 + Δ). {@link dev.retouch.edit.rectifier.RectifierConfig} (the layers, the sizes),
 * {@link dev.retouch.edit.rectifier.Rectifier} (global encoder + one subnet per layer emitting the two slim
 * factors of Δ), {@link dev.retouch.edit.rectifier.RectifiedModel} (the two-pass rectified prediction),
 * {@link dev.retouch.edit.rectifier.RectifierTask} (Eq. 3's reconstruction training). The per-sample modulation is
 * {@link dev.retouch.core.nn.Conv2d#modulated}, one grouped convolution over the batch.
 */
package dev.retouch.edit.rectifier;
