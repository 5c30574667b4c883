package dev.retouch.diffusion.vae;

import dev.retouch.core.metrics.TensorSsim;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Reconstruction quality of an autoencoder on a set of images (deterministic: the posterior mode), and the latent
 * statistics that set {@code scalingFactor}. PSNR and SSIM are computed on [0, 1] images (decoder output clamped)
 * per image and averaged; SSIM is scikit-image's (see {@link TensorSsim}).
 */
public final class VaeScores {
    private VaeScores() {
    }

    /** Mean per-image PSNR (dB, data range 1) and SSIM over {@code n} images. */
    public record Result(double psnr, double ssim, int n) {
    }

    /** images (N, C, H, W) in [−1, 1], run in batches of {@code batch}. */
    public static Result evaluate(AutoencoderKL vae, Tensor images, int batch) {
        double psnr = 0;
        double ssim = 0;
        long n = images.size(0);
        try (InferenceMode guard = new InferenceMode()) {
            for (long i = 0; i < n; i += batch) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = unit(images.narrow(0, i, Math.min(batch, n - i)));
                    Tensor y = unit(vae.decode(vae.encode(images.narrow(0, i, x.size(0))).mode()));
                    Tensor mse = y.sub(x).pow(Tensors.s(2)).flatten(1, -1).mean(new long[]{1}, false,
                            new org.bytedeco.pytorch.ScalarTypeOptional());
                    psnr += mse.clamp_min(Tensors.s(1e-12)).log10().mul(Tensors.s(-10)).sum().item_double();
                    ssim += TensorSsim.ssim(y, x, 1.0).sum().item_double();
                }
            }
        }
        return new Result(psnr / n, ssim / n, (int) n);
    }

    /** diffusers' convention: 1 / (standard deviation of the latent means over the images). */
    public static double scalingFactor(AutoencoderKL vae, Tensor images, int batch) {
        double sum = 0;
        double sq = 0;
        long count = 0;
        try (InferenceMode guard = new InferenceMode()) {
            for (long i = 0; i < images.size(0); i += batch) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor z = vae.encode(images.narrow(0, i, Math.min(batch, images.size(0) - i))).mode();
                    Tensor zd = z.to(torch.ScalarType.Double);
                    sum += zd.sum().item_double();
                    sq += zd.pow(Tensors.s(2)).sum().item_double();
                    count += z.numel();
                }
            }
        }
        double mean = sum / count;
        return 1.0 / Math.sqrt(sq / count - mean * mean);
    }

    private static Tensor unit(Tensor x) {
        return x.add(Tensors.s(1)).mul(Tensors.s(0.5)).clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(0)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
    }
}
