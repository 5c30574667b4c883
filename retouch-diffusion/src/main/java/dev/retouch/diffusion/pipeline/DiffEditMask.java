package dev.retouch.diffusion.pipeline;

import dev.retouch.core.engine.Convolution;
import dev.retouch.core.image.Mask;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DiffEdit's mask (Couairon et al. 2022, §3.2, step 1): where does the model's noise estimate change when the
 * reference text R is replaced by the query Q? The image's latents are noised to t = r·T (r = 0.5) with n noise
 * draws; |ε(x_t, t, Q) − ε(x_t, t, R)| is averaged over the draws and the channels; extreme values are removed by
 * clipping the map at {@code clipRatio} times its mean (the paper does not say how; this is our reading); the map is
 * blurred (Gaussian, as METHODS.md asks; 0 turns it off), rescaled to [0, 1], upsampled to the image's size
 * (bilinear) and binarised at the threshold (0.5).
 *
 * @param relevance (1, 1, H, W) the rescaled difference map in [0, 1], at the image's size
 * @param mask      the binarised map: inside where the relevance is at least the threshold
 */
public record DiffEditMask(Tensor relevance, Mask mask) {
    /** Relative differences (of the mean |ε|) below this are float noise, not an edit region. */
    static final double NO_CHANGE = 1e-4;

    /**
     * @param noiseDraws    n, the noise draws averaged over (paper: 10)
     * @param encodingRatio r, the noise level as a fraction of the T training steps (paper: 0.5)
     * @param clipRatio     the averaged map is clipped at this multiple of its mean before rescaling
     * @param blurSigma     standard deviation of the Gaussian blur, in latent cells (0 = no blur)
     * @param threshold     binarisation threshold on the rescaled map (paper: 0.5)
     */
    public record Options(int noiseDraws, double encodingRatio, double clipRatio, double blurSigma,
                          double threshold) {
        public Options {
            if (noiseDraws < 1 || noiseDraws > 256) {
                throw new IllegalArgumentException("noiseDraws must be in [1, 256], got " + noiseDraws);
            }
            if (!(encodingRatio > 0 && encodingRatio <= 1)) {
                throw new IllegalArgumentException("encodingRatio must be in (0, 1], got " + encodingRatio);
            }
            if (!(clipRatio >= 1) || Double.isInfinite(clipRatio)) {
                throw new IllegalArgumentException("clipRatio must be a finite number >= 1, got " + clipRatio);
            }
            if (!(blurSigma >= 0 && blurSigma <= 16)) {
                throw new IllegalArgumentException("blurSigma must be in [0, 16], got " + blurSigma);
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
            }
        }

        /** The paper's defaults (10 draws, t = 0.5·T, threshold 0.5), clipped at 3× the mean, blurred with σ = 1. */
        public static Options defaults() {
            return new Options(10, 0.5, 3.0, 1.0, 0.5);
        }
    }

    /**
     * The mask of one image (1, 3, H, W) for the query and reference states (1, M, D) each, e.g. from
     * {@link LatentDiffusion#textStates} (the empty prompt as reference gives the query's unconditional contrast).
     */
    public static DiffEditMask compute(LatentDiffusion ld, Tensor image, Tensor query, Tensor reference,
                                       Options options, Generator gen) {
        if (image.dim() != 4 || image.size(0) != 1 || query.size(0) != 1 || reference.size(0) != 1) {
            throw new IllegalArgumentException("DiffEdit's mask takes one image (1, 3, H, W) and one query and one "
                    + "reference (1, M, D), found " + Tensors.shapeString(image) + ", " + Tensors.shapeString(query)
                    + ", " + Tensors.shapeString(reference));
        }
        Tensor z0 = ld.encode(image); // (1, C, h, w)
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor map = differenceMap(ld, z0, query, reference, options, gen); // (1, 1, h, w)
            Tensor clipped = map.clamp_max(Tensors.s(options.clipRatio() * map.mean().item_double()));
            Tensor relevance = torch.upsample_bilinear2d(rescale(blur(clipped, options.blurSigma())),
                    new long[]{image.size(2), image.size(3)}, false).clamp(
                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(0)),
                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1))); // (1, 1, H, W)
            return new DiffEditMask(relevance, binarise(relevance, options.threshold()));
        }
    }

    /**
     * |ε(x_t, t, Q) − ε(x_t, t, R)| averaged over n draws and the channels, relative to the mean |ε|: (1, 1, h, w).
     * One UNet pass of 2n.
     */
    static Tensor differenceMap(LatentDiffusion ld, Tensor z0, Tensor query, Tensor reference, Options options,
                                Generator gen) {
        int n = options.noiseDraws();
        int T = ld.schedule().numTrainTimesteps();
        int t = Math.min(T - 1, (int) Math.round(options.encodingRatio() * T));
        long[] s = Tensors.shape(z0);
        Tensor noise = Tensors.randn(gen, z0, n, s[1], s[2], s[3]);
        Tensor zt = ld.schedule().addNoise(z0.expand(n, -1, -1, -1), noise, t); // (n, C, h, w)
        Tensor ctx = Tensors.cat(0, query.expand(n, -1, -1), reference.expand(n, -1, -1)); // (2n, M, D)
        Tensor zz = Tensors.cat(0, zt, zt);
        Tensor eps = ld.schedule().predictEps(ld.unet().forward(zz, PixelPipelines.timestepTensor(t, 2L * n), ctx),
                zz, t); // ε whatever the model predicts (v: ε = √(1−ᾱ)·z_t + √ᾱ·v)
        Tensor diff = eps.narrow(0, 0, n).sub(eps.narrow(0, n, n)).abs(); // (n, C, h, w)
        double scale = Math.max(eps.abs().mean().item_double(), 1e-12);
        return diff.mean(new long[]{0, 1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).div(Tensors.s(scale));
    }

    /**
     * Min–max rescaling to [0, 1] of a relative difference map. A map that varies by less than {@link #NO_CHANGE} is
     * all zeros: the same text on both sides differs only by float noise from the batched pass, which rescaling would
     * blow up into a mask.
     */
    public static Tensor rescale(Tensor map) {
        double lo = map.min().item_double();
        double hi = map.max().item_double();
        if (!(hi - lo > NO_CHANGE)) {
            return map.mul(Tensors.s(0));
        }
        return map.sub(Tensors.s(lo)).div(Tensors.s(hi - lo));
    }

    /**
     * Gaussian blur of a (1, 1, h, w) map with standard deviation {@code sigma} (radius ⌈3σ⌉), normalised at the
     * borders: conv(map) / conv(1), so the edges are not darkened by the zero padding.
     */
    public static Tensor blur(Tensor map, double sigma) {
        if (sigma == 0) {
            return map;
        }
        int r = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * r + 1];
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
        }
        Tensor row = Tensors.placedLike(map, Tensors.of(k, 1, 1, 1, 2 * r + 1));
        Tensor col = Tensors.placedLike(map, Tensors.of(k, 1, 1, 2 * r + 1, 1));
        long[] unit = {1, 1};
        java.util.function.UnaryOperator<Tensor> conv = x -> Convolution.conv2d(
                Convolution.conv2d(x, row, null, unit, new long[]{0, r}, 1), col, null, unit, new long[]{r, 0}, 1);
        return conv.apply(map).div(conv.apply(torch.ones_like(map)));
    }

    private static Mask binarise(Tensor relevance, double threshold) {
        float[] v = Tensors.toFloats(relevance);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] >= threshold ? 1f : 0f;
        }
        return new Mask((int) relevance.size(3), (int) relevance.size(2), out);
    }
}
