package dev.retouch.diffusion.vae;

import java.util.List;

/**
 * Structure of an {@link AutoencoderKL}, by diffusers' {@code AutoencoderKL} config: one encoder level per entry of
 * {@code blockOutChannels} (each but the last halves the side), {@code layersPerBlock} resnets per encoder level
 * (one more per decoder level), a middle block with single-head self-attention, and {@code latentChannels} latent
 * channels. Latents are multiplied by {@code scalingFactor} before diffusion sees them (measured on the data).
 */
public record AutoencoderKLConfig(int sampleSize, int inChannels, int outChannels, int latentChannels,
                                  List<Integer> blockOutChannels, int layersPerBlock, int normGroups, double normEps,
                                  double scalingFactor) {
    public AutoencoderKLConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        require(sampleSize > 0 && inChannels > 0 && outChannels > 0 && latentChannels > 0, "sizes must be positive");
        require(!blockOutChannels.isEmpty(), "blockOutChannels must not be empty");
        require(layersPerBlock > 0, "layersPerBlock must be > 0");
        require(normGroups > 0 && normEps > 0, "normGroups and normEps must be positive");
        for (int c : blockOutChannels) {
            require(c > 0 && c % normGroups == 0, "channels " + c + " not a positive multiple of normGroups " + normGroups);
        }
        require(sampleSize % (1 << (blockOutChannels.size() - 1)) == 0,
                "sampleSize " + sampleSize + " not divisible by the downsampling factor " + (1 << (blockOutChannels.size() - 1)));
        require(scalingFactor > 0 && Double.isFinite(scalingFactor), "scalingFactor must be positive");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("AutoencoderKLConfig: " + message);
        }
    }

    /** Pixels per latent cell along one side. */
    public int downsamplingFactor() {
        return 1 << (blockOutChannels.size() - 1);
    }

    public int latentSize() {
        return sampleSize / downsamplingFactor();
    }

    public AutoencoderKLConfig withScalingFactor(double factor) {
        return new AutoencoderKLConfig(sampleSize, inChannels, outChannels, latentChannels, blockOutChannels,
                layersPerBlock, normGroups, normEps, factor);
    }

    /** emoji-vae: 64×64×3 ↔ 4×16×16. */
    public static AutoencoderKLConfig emoji() {
        return new AutoencoderKLConfig(64, 3, 3, 4, List.of(32, 64, 64), 1, 16, 1e-6, 1.0);
    }

    /** A tiny structure for tests: 16×16×3 ↔ 4×8×8, 8 channels. */
    public static AutoencoderKLConfig tiny() {
        return new AutoencoderKLConfig(16, 3, 3, 4, List.of(8, 8), 1, 4, 1e-6, 1.0);
    }

    /** Stable Diffusion 1.x's autoencoder (512×512×3 ↔ 4×64×64). */
    public static AutoencoderKLConfig stableDiffusion() {
        return new AutoencoderKLConfig(512, 3, 3, 4, List.of(128, 256, 512, 512), 2, 32, 1e-6, 0.18215);
    }
}
