package dev.retouch.edit.fewshot;

/**
 * The augmentation of the target pair (x_j, y_j) (paper §3.3: horizontal flip, colour jitter, random affine), one
 * draw per sample applied identically to both images so the pair stays an example of the effect.
 *
 * @param flip              mirror horizontally with probability ½
 * @param jitter            brightness, contrast and saturation factors uniform in [1 − jitter, 1 + jitter]
 * @param degrees           rotation uniform in ±degrees
 * @param scale             zoom uniform in [1 − scale, 1 + scale]
 * @param translate         shift uniform in ±translate of the image side, per axis
 * @param affineProbability probability of applying the affine part (the rest of the samples stay unresampled)
 */
public record AugmentConfig(boolean flip, double jitter, double degrees, double scale, double translate,
                            double affineProbability) {
    public AugmentConfig {
        check(jitter >= 0 && jitter <= 0.5, "jitter must be in [0, 0.5], got " + jitter);
        check(degrees >= 0 && degrees <= 45, "degrees must be in [0, 45], got " + degrees);
        check(scale >= 0 && scale <= 0.5, "scale must be in [0, 0.5], got " + scale);
        check(translate >= 0 && translate <= 0.5, "translate must be in [0, 0.5], got " + translate);
        check(affineProbability >= 0 && affineProbability <= 1, "affineProbability must be in [0, 1]");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("AugmentConfig: " + message);
        }
    }

    /** Mild defaults: flips, ±5 % colour, ±5° rotation, ±5 % zoom and shift on half the samples. */
    public static AugmentConfig standard() {
        return new AugmentConfig(true, 0.05, 5, 0.05, 0.05, 0.5);
    }

    /** No augmentation. */
    public static AugmentConfig none() {
        return new AugmentConfig(false, 0, 0, 0, 0, 0);
    }
}
