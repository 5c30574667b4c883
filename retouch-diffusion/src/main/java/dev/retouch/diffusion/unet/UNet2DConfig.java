package dev.retouch.diffusion.unet;

import java.util.List;

/**
 * Structure of a pixel-space {@link UNet2DModel}: channels per resolution level are
 * {@code baseChannels × channelMult[i]}; self-attention is used at every level whose feature-map side is in
 * {@code attentionResolutions} (and always in the middle block); heads = channels / attentionHeadDim.
 */
public record UNet2DConfig(int sampleSize, int inChannels, int outChannels, int baseChannels,
                           List<Integer> channelMult, int layersPerBlock, List<Integer> attentionResolutions,
                           int attentionHeadDim, int normGroups, double normEps, double dropout,
                           boolean flipSinToCos, int freqShift) {
    public UNet2DConfig {
        channelMult = List.copyOf(channelMult);
        attentionResolutions = List.copyOf(attentionResolutions);
        require(sampleSize > 0 && inChannels > 0 && outChannels > 0 && baseChannels > 0, "sizes must be positive");
        require(!channelMult.isEmpty() && channelMult.stream().allMatch(m -> m > 0), "channelMult must be positive");
        require(layersPerBlock > 0, "layersPerBlock must be > 0");
        require(sampleSize % (1 << (channelMult.size() - 1)) == 0,
                "sampleSize " + sampleSize + " not divisible by 2^" + (channelMult.size() - 1));
        require(normGroups > 0, "normGroups must be > 0");
        for (int m : channelMult) {
            require((baseChannels * m) % normGroups == 0, "channels " + baseChannels * m + " not divisible by normGroups");
            require((baseChannels * m) % attentionHeadDim == 0, "channels not divisible by attentionHeadDim");
        }
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("UNet2DConfig: " + message);
        }
    }

    public int channels(int level) {
        return baseChannels * channelMult.get(level);
    }

    public int levels() {
        return channelMult.size();
    }

    /** Feature-map side at a resolution level. */
    public int resolution(int level) {
        return sampleSize >> level;
    }

    public boolean attentionAt(int level) {
        return attentionResolutions.contains(resolution(level));
    }

    public int timeEmbedDim() {
        return baseChannels * 4;
    }

    /** The shipped emoji-ddpm-32 structure. */
    public static UNet2DConfig emoji32() {
        return new UNet2DConfig(32, 3, 3, 64, List.of(1, 2, 2), 2, List.of(8), 32, 32, 1e-5, 0.0, true, 0);
    }

    /** A tiny structure for tests. */
    public static UNet2DConfig tiny() {
        return new UNet2DConfig(8, 3, 3, 8, List.of(1, 2), 1, List.of(4), 8, 4, 1e-5, 0.0, true, 0);
    }
}
