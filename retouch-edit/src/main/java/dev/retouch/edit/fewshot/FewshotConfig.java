package dev.retouch.edit.fewshot;

import dev.retouch.diffusion.dit.DiTConfig;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.PredictionType;

import java.util.List;

/**
 * The few-shot effect model of paper 000 (§3): M_x, M_e, the autoencoder and M_y.
 *
 * @param imageSize    side of the square images the effect works on
 * @param groupSize    n of "n-source-to-n-target": each training sample draws n pairs and predicts one target from
 *                     the other n − 1 (paper: n = 2); n = 1 is "one-source-to-one-target" (the target's own pair is
 *                     its source, the paper's "without n-n")
 * @param autoencoder  the jointly trained autoencoder
 * @param flowChannels M_x's U-Net channels per level (its first level works at half the image size)
 * @param embedGrid    M_e's tokens per side (the [F, C] map is strided down to embedGrid × embedGrid tokens)
 * @param embedWidth   M_e's token width (M_y's cross-attention context width)
 * @param denoiser     M_y's structure
 * @param noise        the forward process (paper: linear; x₀-prediction since M_y predicts y_j itself)
 */
public record FewshotConfig(int imageSize, int groupSize, AutoencoderConfig autoencoder, List<Integer> flowChannels,
                            int embedGrid, int embedWidth, DenoiserShape denoiser, NoiseScheduleConfig noise) {
    public FewshotConfig {
        flowChannels = List.copyOf(flowChannels);
        check(groupSize >= 1 && groupSize <= 8, "groupSize n must be in [1, 8], got " + groupSize);
        check(imageSize >= 16 && imageSize % (2 * autoencoder.downsampling()) == 0, "imageSize " + imageSize
                + " must be >= 16 and a multiple of " + 2 * autoencoder.downsampling());
        check(flowChannels.size() >= 2 && (imageSize / 2) % (1 << (flowChannels.size() - 1)) == 0,
                "flowChannels " + flowChannels + " need >= 2 levels that divide imageSize / 2");
        check(flowChannels.stream().allMatch(c -> c >= 4 && c % 4 == 0), "flowChannels must be multiples of 4");
        check(embedGrid >= 1 && Integer.bitCount(imageSize / embedGrid) == 1 && imageSize / embedGrid >= 2
                && imageSize % embedGrid == 0, "embedGrid " + embedGrid + " must divide imageSize by a power of 2 >= 2");
        check(embedWidth >= 8 && embedWidth % 4 == 0, "embedWidth must be a multiple of 4, >= 8");
        int latent = imageSize / autoencoder.downsampling();
        check(latent % denoiser.patchSize() == 0, "latent side " + latent + " must be a multiple of the patch size "
                + denoiser.patchSize());
        check(noise.predictionType() == PredictionType.SAMPLE, "M_y predicts y_j itself: the noise schedule's "
                + "prediction type must be SAMPLE, got " + noise.predictionType());
        dit(latent, Math.max(1, groupSize - 1), autoencoder, embedWidth, denoiser); // validates the transformer
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("FewshotConfig: " + message);
        }
    }

    /** Source pairs per target: n − 1, or 1 for n = 1 (the target's own pair). */
    public int sources() {
        return Math.max(1, groupSize - 1);
    }

    public int latentSize() {
        return imageSize / autoencoder.downsampling();
    }

    /** M_y: input the noised source latents and the latent of x_j, output the latent of y_j. */
    public DiTConfig ditConfig() {
        return dit(latentSize(), sources(), autoencoder, embedWidth, denoiser);
    }

    private static DiTConfig dit(int latent, int sources, AutoencoderConfig ae, int context, DenoiserShape d) {
        int c = ae.latentChannels();
        return new DiTConfig(latent, d.patchSize(), (sources + 1) * c, c, d.width(), d.depth(), d.heads(), context,
                d.mlpRatio(), 256);
    }

    /** The same model with another autoencoder (e.g. the skip ablations). */
    public FewshotConfig withAutoencoder(AutoencoderConfig ae) {
        return new FewshotConfig(imageSize, groupSize, ae, flowChannels, embedGrid, embedWidth, denoiser, noise);
    }

    /** The paper's setting sized for a 2-core CPU: 64×64 images, 4×16×16 latents, a 4-block DiT of width 128. */
    public static FewshotConfig emoji(int groupSize) {
        return new FewshotConfig(64, groupSize, new AutoencoderConfig(List.of(16, 32, 64), 4, true, true, true),
                List.of(16, 32, 64), 8, 128, new DenoiserShape(2, 128, 4, 4, 4), linearSample());
    }

    /** A tiny configuration for tests: 16×16 images, 4×4 latents. */
    public static FewshotConfig tiny(int groupSize) {
        return new FewshotConfig(16, groupSize, new AutoencoderConfig(List.of(8, 8, 16), 4, true, true, true),
                List.of(8, 16), 4, 16, new DenoiserShape(1, 16, 1, 2, 2), linearSample());
    }

    /** DDPM's linear β schedule (1000 steps, 1e-4 → 0.02), x₀-prediction, no clipping (latents are not bounded). */
    public static NoiseScheduleConfig linearSample() {
        return new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR, PredictionType.SAMPLE, false, 1.0);
    }
}
