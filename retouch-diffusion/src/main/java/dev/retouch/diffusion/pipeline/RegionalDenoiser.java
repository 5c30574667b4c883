package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Composable guidance with spatial masks (paper 003 Eq. 2, after Composable Diffusion): every region k has a prompt
 * context c_k, a weight s_k and a mask M_k over the latent, and the prediction is
 * <pre>
 *   ε̄ = Σ_k s_k · M_k ⊙ ε̃_k,     ε̃_k = ε(z, ∅) + g·(ε(z, c_k) − ε(z, ∅))
 * </pre>
 * (each ε̃_k a classifier-free guidance result with scale g). Paper 003 generates a two-panel pair with the shared
 * prompt over the whole canvas (s'_d = 0.1) and the source and target prompts on the left and right halves
 * (s'_a = s'_b = 0.9). All branches run in ONE UNet pass over (K + 1)·B samples. Per-run object: it holds the
 * contexts and masks it was given.
 */
public final class RegionalDenoiser implements Denoiser {
    /**
     * One region.
     *
     * @param context the prompt's text states (B, M, D)
     * @param weight  s_k ≥ 0
     * @param mask    (1 or B, 1, h, w) with values in [0, 1], h × w the latent's size
     */
    public record Region(Tensor context, double weight, Tensor mask) {
        public Region {
            if (!(weight >= 0)) {
                throw new IllegalArgumentException("a region's weight must be >= 0, got " + weight);
            }
            if (mask.dim() != 4 || mask.size(1) != 1) {
                throw new IllegalArgumentException("a region's mask must be (1 or B, 1, h, w), got "
                        + Tensors.shapeString(mask));
            }
        }
    }

    private final UNet2DConditionModel unet;
    private final List<Region> regions;
    private final double scale;
    private final Tensor context; // ((K + 1)·B, M, D): ∅ then the regions', branch-major

    /**
     * @param unconditional the empty prompt's states (B, M, D)
     * @param scale         the classifier-free guidance scale g ≥ 0 of every region
     */
    public RegionalDenoiser(UNet2DConditionModel unet, Tensor unconditional, List<Region> regions, double scale) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("give at least one region");
        }
        if (!(scale >= 0)) {
            throw new IllegalArgumentException("the guidance scale must be >= 0, got " + scale);
        }
        List<Tensor> contexts = new ArrayList<>();
        contexts.add(unconditional);
        for (Region r : regions) {
            if (!java.util.Arrays.equals(Tensors.shape(unconditional), Tensors.shape(r.context()))) {
                throw new IllegalArgumentException("every region's context must be shaped as the unconditional one "
                        + Tensors.shapeString(unconditional) + ", found " + Tensors.shapeString(r.context()));
            }
            contexts.add(r.context());
        }
        this.unet = unet;
        this.regions = List.copyOf(regions);
        this.scale = scale;
        this.context = Tensors.cat(0, contexts.toArray(Tensor[]::new));
    }

    /**
     * Paper 003's pair canvas: the shared prompt over the whole latent with weight {@code shared}, the source prompt
     * on the left half and the target prompt on the right half with weight {@code sides} each.
     *
     * @param width the latent's width (the canvas is two panels side by side: width must be even)
     */
    public static RegionalDenoiser twoPanels(UNet2DConditionModel unet, Tensor unconditional, Tensor shared,
                                             Tensor source, Tensor target, int height, int width, double sharedWeight,
                                             double sideWeight, double scale) {
        if (width % 2 != 0) {
            throw new IllegalArgumentException("a two-panel canvas needs an even latent width, got " + width);
        }
        float[] left = new float[height * width];
        float[] right = new float[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                (x < width / 2 ? left : right)[y * width + x] = 1f;
            }
        }
        float[] all = new float[height * width];
        java.util.Arrays.fill(all, 1f);
        java.util.function.Function<float[], Tensor> mask = // on the text states' device (the model's)
                v -> Tensors.placedLike(unconditional, Tensors.of(v, 1, 1, height, width));
        return new RegionalDenoiser(unet, unconditional, List.of(new Region(shared, sharedWeight, mask.apply(all)),
                new Region(source, sideWeight, mask.apply(left)), new Region(target, sideWeight, mask.apply(right))),
                scale);
    }

    /** How many UNet branches one prediction costs. */
    public int branches() {
        return regions.size() + 1;
    }

    @Override
    public Tensor predict(Tensor x, int t) {
        int n = regions.size() + 1;
        long b = x.size(0);
        if (context.size(0) != n * b) {
            throw new IllegalArgumentException("the sample batch is " + b + " but the contexts are for "
                    + context.size(0) / n);
        }
        Tensor out = unet.forward(x.repeat(n, 1, 1, 1), PixelPipelines.timestepTensor(t, n * b), context);
        Tensor uncond = out.narrow(0, 0, b);
        Tensor sum = null;
        for (int k = 0; k < regions.size(); k++) {
            Region r = regions.get(k);
            Tensor guided = uncond.add(out.narrow(0, (k + 1) * b, b).sub(uncond).mul(Tensors.s(scale)));
            Tensor term = guided.mul(r.mask()).mul(Tensors.s(r.weight()));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }
}
