package dev.retouch.edit.fewshot;

import java.util.List;

/**
 * The jointly trained autoencoder (paper §3.3).
 *
 * @param channels       feature channels per level, level 0 at full resolution, each next level half the size;
 *                       the latent sits at the last level
 * @param latentChannels channels of the latent
 * @param skips          encoder→decoder skip connections (the paper's; false only for its ablation)
 * @param highPassSkips  pass only the part of each skip feature finer than the latent grid (the feature minus its
 *                       average over latent cells, bilinearly upsampled): the skips bring the high frequencies the
 *                       paper adds them for, while colours and shapes at the latent's scale must come through the
 *                       latent. Without it the decoder can rebuild the target from the skips alone and the latent,
 *                       and with it M_y, is bypassed (in a short emoji run, decoding zeros instead of the latent
 *                       changed the held-out result by a fraction of a dB)
 * @param decoderNoise   per-pixel noise injected into the decoder levels with learned per-channel strengths (the
 *                       paper's "adaptive noises"; false only for its ablation)
 */
public record AutoencoderConfig(List<Integer> channels, int latentChannels, boolean skips, boolean highPassSkips,
                                boolean decoderNoise) {
    public AutoencoderConfig {
        channels = List.copyOf(channels);
        if (channels.size() < 2 || channels.stream().anyMatch(c -> c < 4 || c % 4 != 0)) {
            throw new IllegalArgumentException("AutoencoderConfig: need at least 2 levels of channels that are "
                    + "positive multiples of 4, got " + channels);
        }
        if (latentChannels < 1) {
            throw new IllegalArgumentException("AutoencoderConfig: latentChannels must be >= 1, got " + latentChannels);
        }
    }

    /** The same autoencoder with skips off, full, or high-pass only. */
    public AutoencoderConfig withSkips(boolean on, boolean highPass) {
        return new AutoencoderConfig(channels, latentChannels, on, on && highPass, decoderNoise);
    }

    /** Image side / latent side = 2^(levels − 1). */
    public int downsampling() {
        return 1 << (channels.size() - 1);
    }
}
