package dev.retouch.diffusion.clip;

/**
 * Structure of a {@link ClipModel}, by transformers' {@code CLIPConfig}: a text and a vision transformer and the
 * shared embedding width {@code projectionDim}. A text encoder alone (transformers' {@code CLIPTextModel}, the
 * {@code text_encoder} of a Stable Diffusion pipeline) has no vision tower: {@link #textOnly}, with {@code vision}
 * null, no projections and no temperature.
 */
public record ClipConfig(Text text, Vision vision, int projectionDim, double logitScaleInit) {
    /** The MLP activation: OpenAI CLIP's {@code quick_gelu} x·σ(1.702x), or exact GELU. */
    public enum Activation { QUICK_GELU, GELU }

    /** transformers' {@code CLIPTextConfig}. */
    public record Text(int vocabSize, int maxPositions, int width, int layers, int heads, int mlpWidth,
                       double layerNormEps, Activation activation, int endTokenId) {
        public Text {
            check(vocabSize > 0 && maxPositions > 0 && layers > 0 && heads > 0 && mlpWidth > 0, "sizes must be positive");
            check(width % heads == 0, "width " + width + " not divisible by heads " + heads);
            check(endTokenId >= 0 && endTokenId < vocabSize, "endTokenId " + endTokenId + " outside the vocabulary");
            check(layerNormEps > 0 && activation != null, "need layerNormEps > 0 and an activation");
        }
    }

    /** transformers' {@code CLIPVisionConfig}. */
    public record Vision(int imageSize, int patchSize, int channels, int width, int layers, int heads, int mlpWidth,
                         double layerNormEps, Activation activation) {
        public Vision {
            check(imageSize > 0 && patchSize > 0 && channels > 0 && layers > 0 && heads > 0 && mlpWidth > 0,
                    "sizes must be positive");
            check(imageSize % patchSize == 0, "imageSize " + imageSize + " not divisible by patchSize " + patchSize);
            check(width % heads == 0, "width " + width + " not divisible by heads " + heads);
            check(layerNormEps > 0 && activation != null, "need layerNormEps > 0 and an activation");
        }

        public int patches() {
            return (imageSize / patchSize) * (imageSize / patchSize);
        }
    }

    public ClipConfig {
        check(text != null, "needs 'text'");
        check(vision == null || projectionDim > 0 && Double.isFinite(logitScaleInit), "projectionDim must be positive");
    }

    /** A text encoder without vision tower, projections or temperature (transformers' {@code CLIPTextModel}). */
    public static ClipConfig textOnly(Text text) {
        return new ClipConfig(text, null, 0, 0);
    }

    /** Whether this model has a vision tower (and so image features, scores and image embeddings). */
    public boolean hasVision() {
        return vision != null;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("ClipConfig: " + message);
        }
    }

    /** emoji-clip: 64×64 images in 8×8 patches, captions of at most {@code context} tokens. */
    public static ClipConfig emoji(int vocabSize, int context, int endTokenId) {
        return new ClipConfig(
                new Text(vocabSize, context, 128, 4, 4, 512, 1e-5, Activation.QUICK_GELU, endTokenId),
                new Vision(64, 8, 3, 128, 4, 4, 512, 1e-5, Activation.QUICK_GELU), 128, Math.log(1 / 0.07));
    }

    /** A tiny structure for tests: text width 16, one layer, 16×16 images in 8×8 patches. */
    public static ClipConfig tiny(int vocabSize, int context, int endTokenId) {
        return new ClipConfig(
                new Text(vocabSize, context, 16, 1, 2, 32, 1e-5, Activation.QUICK_GELU, endTokenId),
                new Vision(16, 8, 3, 16, 1, 2, 32, 1e-5, Activation.QUICK_GELU), 16, Math.log(1 / 0.07));
    }

    /** OpenAI CLIP ViT-L/14 (Stable Diffusion 1.x's text encoder is its text half). */
    public static ClipConfig vitL14() {
        return new ClipConfig(
                new Text(49408, 77, 768, 12, 12, 3072, 1e-5, Activation.QUICK_GELU, 49407),
                new Vision(224, 14, 3, 1024, 24, 16, 4096, 1e-5, Activation.QUICK_GELU), 768, 2.6592);
    }
}
