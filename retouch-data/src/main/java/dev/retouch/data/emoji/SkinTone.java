package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import java.util.ArrayList;
import java.util.List;

/** The five Fitzpatrick skin-tone modifiers, with the codes {@code emoji.json} uses as skin-variation keys. */
public enum SkinTone {
    LIGHT("1F3FB", "light"),
    MEDIUM_LIGHT("1F3FC", "medium-light"),
    MEDIUM("1F3FD", "medium"),
    MEDIUM_DARK("1F3FE", "medium-dark"),
    DARK("1F3FF", "dark");

    private final String code;
    private final String label;

    SkinTone(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The modifier's code point as {@code emoji.json} writes it, e.g. {@code "1F3FB"}. */
    public String code() {
        return code;
    }

    /** The caption word, e.g. {@code "medium-light"}. */
    public String label() {
        return label;
    }

    /** The tone of a code such as {@code "1F3FB"} (case-insensitive); throws for anything else. */
    public static SkinTone fromCode(String code) {
        for (SkinTone tone : values()) {
            if (tone.code.equalsIgnoreCase(code)) {
                return tone;
            }
        }
        throw new RetouchException("unknown skin tone '" + code + "': expected one of 1F3FB (light), "
                + "1F3FC (medium-light), 1F3FD (medium), 1F3FE (medium-dark), 1F3FF (dark)");
    }

    /** The tones of a skin-variation key, in order: {@code "1F3FB"} → [LIGHT], {@code "1F3FB-1F3FF"} → [LIGHT, DARK]. */
    public static List<SkinTone> parseKey(String key) {
        List<SkinTone> tones = new ArrayList<>();
        for (String code : key.split("-", -1)) {
            tones.add(fromCode(code));
        }
        return List.copyOf(tones);
    }
}
