package dev.retouch.edit.fewshot;

/**
 * config.json of an effect directory.
 *
 * @param formatVersion {@link Effect#FORMAT_VERSION}; other versions are refused on load
 * @param variant       which network the directory holds
 * @param fewshot       the network of {@link EffectVariant#NN} and {@link EffectVariant#ONE} (null for pix2pix)
 * @param regressor     the network of {@link EffectVariant#PIX2PIX} (null otherwise)
 * @param sampling      default sampling of the few-shot variants
 * @param losses        the objective it was trained with
 * @param augment       the augmentation it was trained with
 */
public record EffectConfig(int formatVersion, EffectVariant variant, FewshotConfig fewshot, RegressorConfig regressor,
                           SamplingConfig sampling, LossWeights losses, AugmentConfig augment) {
    public EffectConfig {
        if (formatVersion != Effect.FORMAT_VERSION) {
            throw new IllegalArgumentException("EffectConfig: format version " + formatVersion + ", expected "
                    + Effect.FORMAT_VERSION);
        }
        if (variant == null || sampling == null || losses == null || augment == null) {
            throw new IllegalArgumentException("EffectConfig: variant, sampling, losses and augment are required");
        }
        boolean pix = variant == EffectVariant.PIX2PIX;
        if (pix ? regressor == null || fewshot != null : fewshot == null || regressor != null) {
            throw new IllegalArgumentException("EffectConfig: variant " + variant.label() + " needs "
                    + (pix ? "a regressor config and no fewshot config" : "a fewshot config and no regressor config"));
        }
        if (variant == EffectVariant.ONE && fewshot.groupSize() != 1) {
            throw new IllegalArgumentException("EffectConfig: variant one needs groupSize 1, got " + fewshot.groupSize());
        }
        if (variant == EffectVariant.NN && fewshot.groupSize() < 2) {
            throw new IllegalArgumentException("EffectConfig: variant nn needs groupSize >= 2, got " + fewshot.groupSize());
        }
    }

    public int imageSize() {
        return fewshot != null ? fewshot.imageSize() : regressor.imageSize();
    }

    /** The autoencoder skip settings by name: {@code high-pass} (the default), {@code full} or {@code none}. */
    public static final java.util.List<String> SKIPS = java.util.List.of("high-pass", "full", "none");

    /**
     * This config with the autoencoder skips named {@code skips} (one of {@link #SKIPS}); pix2pix has no
     * autoencoder and is returned as it is.
     *
     * @throws dev.retouch.core.InvalidRequestException for another name
     */
    public EffectConfig withSkips(String skips) {
        if (!SKIPS.contains(skips)) {
            throw new dev.retouch.core.InvalidRequestException("skips must be high-pass, full or none, got '"
                    + skips + "'");
        }
        if (fewshot == null) {
            return this;
        }
        return withFewshot(fewshot.withAutoencoder(fewshot.autoencoder().withSkips(!skips.equals("none"),
                skips.equals("high-pass"))));
    }

    /** The default effect of a variant at emoji scale (n = {@code n} for nn). */
    public static EffectConfig emoji(EffectVariant variant, int n) {
        return of(variant, switch (variant) {
            case NN -> FewshotConfig.emoji(n);
            case ONE -> FewshotConfig.emoji(1);
            case PIX2PIX -> null;
        }, variant == EffectVariant.PIX2PIX ? RegressorConfig.emoji() : null);
    }

    /** A tiny effect of a variant for tests. */
    public static EffectConfig tiny(EffectVariant variant, int n) {
        return of(variant, switch (variant) {
            case NN -> FewshotConfig.tiny(n);
            case ONE -> FewshotConfig.tiny(1);
            case PIX2PIX -> null;
        }, variant == EffectVariant.PIX2PIX ? RegressorConfig.tiny() : null);
    }

    private static EffectConfig of(EffectVariant v, FewshotConfig f, RegressorConfig r) {
        return new EffectConfig(Effect.FORMAT_VERSION, v, f, r, SamplingConfig.standard(), LossWeights.standard(),
                AugmentConfig.standard());
    }

    public EffectConfig withSampling(SamplingConfig s) {
        return new EffectConfig(formatVersion, variant, fewshot, regressor, s, losses, augment);
    }

    /** The same effect with another few-shot network (nn and one only). */
    public EffectConfig withFewshot(FewshotConfig f) {
        return new EffectConfig(formatVersion, variant, f, regressor, sampling, losses, augment);
    }

    public EffectConfig withAugment(AugmentConfig a) {
        return new EffectConfig(formatVersion, variant, fewshot, regressor, sampling, losses, a);
    }
}
