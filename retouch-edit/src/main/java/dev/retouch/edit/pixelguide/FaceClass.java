package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The segmentation classes of emoji faces and their fixed palette (the colours of label-map PNGs, exact RGB).
 * The index is the class id stored in a {@link LabelMap}.
 */
public enum FaceClass {
    BACKGROUND(0x000000),
    FACE(0xFFD700),
    EYE(0x1E64FF),
    MOUTH(0x8B0000),
    TEETH(0xFFFFFF),
    TONGUE(0xFF69B4),
    TEAR(0x00E5FF),
    HAND(0xFF8C00),
    OTHER(0x808080);

    private final int rgb;

    FaceClass(int rgb) {
        this.rgb = rgb;
    }

    /** The palette colour as 0xRRGGBB. */
    public int rgb() {
        return rgb;
    }

    /** Lower-case name as used in map operations ({@code replace mouth face}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class of a palette colour, or null when the colour is not in the palette. */
    public static FaceClass ofColour(int rgb) {
        for (FaceClass c : values()) {
            if (c.rgb == (rgb & 0xFFFFFF)) {
                return c;
            }
        }
        return null;
    }

    /** The class named {@code name} (case-insensitive), with an error listing the known names. */
    public static FaceClass named(String name) {
        for (FaceClass c : values()) {
            if (c.label().equals(name.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new RetouchException("unknown class '" + name + "'; expected one of "
                + Arrays.stream(values()).map(FaceClass::label).toList());
    }
}
