package dev.retouch.edit.fewshot;

/**
 * The free structure of M_y, the latent DiT; its input/output channels, grid and context width follow from the
 * rest of {@link FewshotConfig}.
 *
 * @param patchSize latent patch side
 * @param width     token width
 * @param depth     transformer blocks
 * @param heads     attention heads
 * @param mlpRatio  feed-forward width as a multiple of {@code width}
 */
public record DenoiserShape(int patchSize, int width, int depth, int heads, int mlpRatio) {
    public DenoiserShape {
        if (patchSize < 1 || width < 4 || depth < 1 || heads < 1 || mlpRatio < 1) {
            throw new IllegalArgumentException("DenoiserShape: all sizes must be positive, got " + this);
        }
    }
}
