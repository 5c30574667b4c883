package dev.retouch.edit.sine;

/**
 * One SINE edit (§3.2, §3.3).
 *
 * @param prompt     the edit prompt c for the pretrained model (e.g. "face with sunglasses")
 * @param v          Eq. 3's mixing weight in [0, 1]: 1 = pretrained model only, 0 = fine-tuned conditional only
 * @param k          Eq. 3's step threshold K in [0, T]: timesteps t &gt; K mix in the fine-tuned model
 * @param guidance   the classifier-free guidance scale w ≥ 0
 * @param width      output width in pixels (a multiple of the model's size multiple)
 * @param height     output height in pixels
 * @param positional feed the fine-tuned model the whole-image positional embedding (patches variant only)
 */
public record SineRequest(String prompt, double v, int k, double guidance, int width, int height,
                          boolean positional) {
    /**
     * The paper's v = 0.7, K = 400. (K, v) trade the source against the edit, and where that trade is best depends
     * on the image: the setting chosen on the validation split's faces (K = 0, v = 0.85, SSIM above SDEdit 0.5's at
     * equal prompt agreement there) read the prompt on only 4 of 8 test cases (docs/EVALUATION.md, SINE).
     */
    public static final double DEFAULT_V = 0.7;
    public static final int DEFAULT_K = 400;
    public static final double DEFAULT_GUIDANCE = 5.0;

    public SineRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("the edit prompt is required (it may be empty)");
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("v must be in [0, 1], got " + v);
        }
        if (k < 0) {
            throw new IllegalArgumentException("K must be in [0, T], got " + k);
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + width + "x" + height);
        }
    }

    /** The same request at another (v, K). */
    public SineRequest with(double v, int k) {
        return new SineRequest(prompt, v, k, guidance, width, height, positional);
    }

    /** The same request at another size, with or without the positional embedding. */
    public SineRequest at(int width, int height, boolean positional) {
        return new SineRequest(prompt, v, k, guidance, width, height, positional);
    }
}
