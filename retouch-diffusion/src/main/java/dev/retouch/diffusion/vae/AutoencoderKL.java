package dev.retouch.diffusion.vae;

import dev.retouch.core.RetouchException;
import dev.retouch.core.nn.Attention;
import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Module;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.MidBlock2D;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * diffusers' {@code AutoencoderKL} (Rombach et al. 2022, §3): {@code encoder} → {@code quant_conv} (1×1) → diagonal
 * Gaussian posterior over L latent channels; {@code post_quant_conv} (1×1) → {@code decoder}. Diffusion runs on
 * {@code scalingFactor · z} ({@link #encodeLatents} / {@link #decodeLatents}) so that latents have about unit
 * variance. Images are (B, C, H, W) in [−1, 1], H and W multiples of the downsampling factor.
 */
public final class AutoencoderKL extends Module {
    private final AutoencoderKLConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    public AutoencoderKL(AutoencoderKLConfig config) {
        this.config = config;
        int l = config.latentChannels();
        this.encoder = child("encoder", new Encoder(config));
        this.decoder = child("decoder", new Decoder(config));
        this.quantConv = child("quant_conv", new Conv2d(2 * l, 2 * l, 1, 1, 0));
        this.postQuantConv = child("post_quant_conv", new Conv2d(l, l, 1, 1, 0));
    }

    static MidBlock2D midBlock(int channels, AutoencoderKLConfig c) {
        Attention attention = new Attention(channels, 0, 1, channels, true, c.normGroups(), c.normEps(), true, 1.0);
        return new MidBlock2D(channels, 0, c.normGroups(), c.normEps(), 0.0, attention);
    }

    public AutoencoderKLConfig config() {
        return config;
    }

    /**
     * q(z|x) for images (B, C, H, W) in [−1, 1]. With the weights placed elsewhere (e.g. CUDA, fp16) the network runs
     * there and the posterior comes back on the input's device in its type.
     */
    public DiagonalGaussian encode(Tensor x) {
        checkSize(x, config.downsamplingFactor(), "image");
        Tensor w = quantConv.weight();
        Tensor moments = quantConv.forward(encoder.forward(Tensors.placedLike(w, x)));
        return new DiagonalGaussian(Tensors.placedLike(x, moments));
    }

    /** Unscaled latents (B, L, h, w) → images (B, C, h·f, w·f), not clamped, on the input's device in its type. */
    public Tensor decode(Tensor z) {
        Tensor w = postQuantConv.weight();
        return Tensors.placedLike(z, decoder.forward(postQuantConv.forward(Tensors.placedLike(w, z))));
    }

    /** Deterministic encoding for diffusion: scalingFactor · mode of q(z|x). */
    public Tensor encodeLatents(Tensor x) {
        return encode(x).mode().mul(Tensors.s(config.scalingFactor()));
    }

    /** Inverse of {@link #encodeLatents}: decodes latents divided by the scaling factor, clamped to [−1, 1]. */
    public Tensor decodeLatents(Tensor latents) {
        Tensor x = decode(latents.div(Tensors.s(config.scalingFactor())));
        return x.clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
    }

    private static void checkSize(Tensor x, int factor, String what) {
        if (x.dim() != 4 || x.size(2) % factor != 0 || x.size(3) % factor != 0) {
            throw new RetouchException(what + " of shape " + Tensors.shapeString(x) + ": the autoencoder needs "
                    + "(B, C, H, W) with H and W multiples of " + factor);
        }
    }

    /** Loads a model directory (config.json + model.safetensors), in eval mode, float32. Strict. */
    public static AutoencoderKL load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        AutoencoderKL vae = new AutoencoderKL(md.config(AutoencoderKLConfig.class));
        md.loadInto(vae);
        return vae;
    }

    /** Writes a model directory with fp16 weights; {@code config} may differ from this model's in scalingFactor only. */
    public static void save(Path dir, AutoencoderKLConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }
}
