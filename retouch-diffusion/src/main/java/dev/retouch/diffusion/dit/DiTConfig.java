package dev.retouch.diffusion.dit;

/**
 * The structure of a {@link DiT}.
 *
 * @param sampleSize      side of the square input (latent) grid
 * @param patchSize       side of the square patches; tokens = (sampleSize / patchSize)²
 * @param inChannels      input channels (noised sample plus any concatenated condition)
 * @param outChannels     predicted channels
 * @param width           token width
 * @param depth           number of transformer blocks
 * @param heads           attention heads (width divisible by heads)
 * @param contextDim      width of the cross-attention context tokens, 0 for none
 * @param mlpRatio        hidden width of the feed-forward as a multiple of {@code width}
 * @param timeFrequencies sinusoidal frequencies of the timestep embedding (even)
 */
public record DiTConfig(int sampleSize, int patchSize, int inChannels, int outChannels, int width, int depth,
                        int heads, int contextDim, int mlpRatio, int timeFrequencies) {
    public DiTConfig {
        check(sampleSize > 0 && patchSize > 0 && sampleSize % patchSize == 0,
                "sampleSize " + sampleSize + " must be a positive multiple of patchSize " + patchSize);
        check(inChannels > 0 && outChannels > 0 && depth > 0 && mlpRatio > 0, "channels, depth and mlpRatio must be positive");
        check(heads > 0 && width % heads == 0, "width " + width + " must be a positive multiple of heads " + heads);
        check(width % 4 == 0, "width " + width + " must be a multiple of 4 (2-D sin-cos positions)");
        check(contextDim >= 0, "contextDim must be >= 0, got " + contextDim);
        check(timeFrequencies > 0 && timeFrequencies % 2 == 0, "timeFrequencies must be positive and even");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("DiTConfig: " + message);
        }
    }

    /** Tokens per side. */
    public int grid() {
        return sampleSize / patchSize;
    }

    /** Tokens per sample. */
    public int tokens() {
        return grid() * grid();
    }
}
