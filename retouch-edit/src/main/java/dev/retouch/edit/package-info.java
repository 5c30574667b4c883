/**
 * The editing methods (pixelguide, sine, fewshot, rectifier, portrait) and their baselines, each in its own
 * sub-package with a request record, a result record and a package-info mapping the code to its paper. Methods
 * never reach into each other's packages; shared pieces live in {@code retouch-diffusion} or below.
 * Landed: {@link dev.retouch.edit.pixelguide} (paper 004) and {@link dev.retouch.edit.fewshot} (paper 000). The
 * shared baselines (DDIM inversion, SDEdit) are in {@code dev.retouch.diffusion.pipeline}.
 */
package dev.retouch.edit;
