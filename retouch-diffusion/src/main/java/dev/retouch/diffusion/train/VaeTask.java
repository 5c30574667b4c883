package dev.retouch.diffusion.train;

import dev.retouch.core.metrics.TensorSsim;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.DiagonalGaussian;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The autoencoder objective: reconstruct x from a posterior sample z ~ q(z|x), with
 * loss = |x − D(z)|₁ + λ_ssim · (1 − SSIM(x, D(z))) + λ_mse · |x − D(z)|² + β · KL(q(z|x) ‖ N(0, I)) / (elements of x)
 * (the squared-error term, off by default, weighs the rare large errors that dominate PSNR).
 * L1 keeps flat colours exact, SSIM (the evaluation's own, differentiable) keeps edges sharp where a pixel loss
 * alone blurs; the KL is per pixel element (as LDM's sum-over-elements KL divided by the image size) and small,
 * so the latent space stays smooth without costing detail. Random horizontal flips and, optionally, random
 * grid-aligned crops (the network is convolutional; crops cut the cost per image by (side / crop)²).
 *
 * <p>With {@code decoderOnly} the encoder runs without gradients, so only the decoder (and post_quant_conv) learns
 * and the KL term, a function of the encoder alone, is left out: the latent space, and with it any latent diffusion
 * model trained on it, stays valid (Stable Diffusion's ft-MSE decoder was refined the same way).
 */
public final class VaeTask implements TrainingTask {
    private final AutoencoderKL vae;
    private final Tensor data; // (N, C, H, W) in [−1, 1]
    private final double ssimWeight;
    private final double klWeight;
    private final int crop;
    private final boolean decoderOnly;
    private final double mseWeight;

    /** The full objective without the squared-error term: encoder and decoder both learn. */
    public VaeTask(AutoencoderKL vae, Tensor data, double ssimWeight, double klWeight, int crop) {
        this(vae, data, ssimWeight, klWeight, crop, false, 0.0);
    }

    /**
     * @param crop side of the random square crops trained on (a multiple of the autoencoder's downsampling factor,
     *             so crops stay aligned with the latent grid), or the image side for whole images
     * @param decoderOnly freeze the encoder: train the decoder on its posterior samples, without the KL term
     * @param mseWeight   weight of the mean squared error (pixels in [−1, 1]); 0 leaves it out
     */
    public VaeTask(AutoencoderKL vae, Tensor data, double ssimWeight, double klWeight, int crop, boolean decoderOnly,
                   double mseWeight) {
        if (mseWeight < 0 || ssimWeight < 0 || klWeight < 0) {
            throw new IllegalArgumentException("loss weights must be ≥ 0: ssim " + ssimWeight + ", kl " + klWeight
                    + ", mse " + mseWeight);
        }
        int f = vae.config().downsamplingFactor();
        if (crop < 16 || crop > data.size(2) || crop % f != 0) {
            throw new IllegalArgumentException("crop " + crop + " must be a multiple of " + f + " in [16, "
                    + data.size(2) + "]");
        }
        this.vae = vae;
        this.data = Tensors.keep(data);
        this.ssimWeight = ssimWeight;
        this.klWeight = klWeight;
        this.crop = crop;
        this.decoderOnly = decoderOnly;
        this.mseWeight = mseWeight;
    }

    @Override
    public Module model() {
        return vae;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        Tensor idx = torch.randint(data.size(0), new long[]{batchSize}, new GeneratorOptional(gen),
                new TensorOptions(torch.ScalarType.Long));
        Tensor x = data.index_select(0, idx); // (B, C, H, W)
        Tensor coin = Tensors.rand(gen, batchSize, 1, 1, 1).lt(Tensors.s(0.5)).to(torch.ScalarType.Float);
        x = x.mul(coin).add(x.flip(3).mul(coin.neg().add(Tensors.s(1))));
        x = randomCrop(x, gen);
        if (decoderOnly) {
            Tensor z;
            try (NoGradGuard ignored = new NoGradGuard()) {
                z = vae.encode(x).sample(gen);
            }
            return reconstruction(vae.decode(z), x);
        }
        DiagonalGaussian q = vae.encode(x);
        Tensor kl = q.kl().mean().div(Tensors.s((double) x.numel() / batchSize));
        return reconstruction(vae.decode(q.sample(gen)), x).add(kl.mul(Tensors.s(klWeight)));
    }

    /** L1 + λ_ssim · (1 − SSIM) [+ λ_mse · MSE] of a decoded batch. */
    private Tensor reconstruction(Tensor y, Tensor x) {
        Tensor ssim = TensorSsim.ssim(toUnit(y), toUnit(x), 1.0).mean();
        Tensor loss = torch.l1_loss(y, x).add(ssim.neg().add(Tensors.s(1)).mul(Tensors.s(ssimWeight)));
        return mseWeight > 0 ? loss.add(torch.mse_loss(y, x).mul(Tensors.s(mseWeight))) : loss;
    }

    /** One grid-aligned crop position per batch (the whole batch shares it; batches differ). */
    private Tensor randomCrop(Tensor x, Generator gen) {
        long side = x.size(2);
        if (crop == side) {
            return x;
        }
        int f = vae.config().downsamplingFactor();
        long cells = (side - crop) / f + 1;
        Tensor r = Tensors.rand(gen, 2);
        float[] u = Tensors.toFloats(r);
        long y0 = Math.min(cells - 1, (long) (u[0] * cells)) * f;
        long x0 = Math.min(cells - 1, (long) (u[1] * cells)) * f;
        return x.narrow(2, y0, crop).narrow(3, x0, crop).contiguous();
    }

    private static Tensor toUnit(Tensor x) {
        return x.add(Tensors.s(1)).mul(Tensors.s(0.5));
    }
}
