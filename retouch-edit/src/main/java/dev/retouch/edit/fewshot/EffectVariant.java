package dev.retouch.edit.fewshot;

import dev.retouch.core.RetouchException;

import java.util.Locale;

/** What an effect directory holds: the paper's model trained n-to-n or one-to-one, or the pix2pix-style baseline. */
public enum EffectVariant {
    /** n-source-to-n-target (the paper's method; n from the config, 2 by default). */
    NN,
    /** one-source-to-one-target, the paper's "without n-n" ablation (Table 2). */
    ONE,
    /** the pix2pix-style direct image-to-image regressor baseline (Table 1). */
    PIX2PIX;

    /** Case-insensitive: nn, one, pix2pix. */
    public static EffectVariant parse(String s) {
        for (EffectVariant v : values()) {
            if (v.name().equalsIgnoreCase(s)) return v;
        }
        throw new RetouchException("unknown variant '" + s + "': expected nn, one or pix2pix");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
