/**
 * How well DDIM inversion and regeneration reproduce an image ({@link
 * dev.retouch.eval.reconstruction.ReconstructionBenchmark}): PSNR and SSIM per step count, and whether the
 * evaluation-only judge still sees the same thing. The rectifier (paper 002) is measured against this baseline.
 */
package dev.retouch.eval.reconstruction;
