package dev.retouch.data.emoji;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic captions for emoji images, built from the name, the skin tone and the subcategory.
 *
 * <p>Format (all lower case, {@link Locale#ROOT}), parts joined by {@code ", "}:
 * <pre>
 *   default image:      &lt;name&gt;, &lt;subcategory&gt;
 *   one tone:           &lt;name&gt;, &lt;tone&gt; skin tone, &lt;subcategory&gt;
 *   two tones:          &lt;name&gt;, &lt;tone 1&gt; skin tone, &lt;tone 2&gt; skin tone, &lt;subcategory&gt;
 * </pre>
 * where {@code <name>} is {@link EmojiEntry#name()} (the Unicode name from {@code emoji.json}; when that is null,
 * the short name with underscores as spaces), {@code <subcategory>} is {@link EmojiEntry#subcategory()} as is,
 * and {@code <tone>} is {@code light} (1F3FB), {@code medium-light} (1F3FC), {@code medium} (1F3FD),
 * {@code medium-dark} (1F3FE) or {@code dark} (1F3FF). A two-tone key whose tones are equal (e.g.
 * {@code "1F3FB-1F3FB"}) names its tone once. Examples:
 * <pre>
 *   1f600.png        grinning face, face-smiling
 *   1f44b-1f3fe.png  waving hand sign, medium-dark skin tone, hand-fingers-open
 *   1f91d-1f3fb.png  handshake, light skin tone, hands
 * </pre>
 */
final class EmojiCaptions {
    private EmojiCaptions() {
    }

    /** The caption of the entry's default (yellow) image. */
    public static String caption(EmojiEntry entry) {
        return caption(entry, null);
    }

    /**
     * The caption of the entry's image in the given skin tone.
     *
     * @param skinToneKey null for the default image, else a skin-variation key such as {@code "1F3FE"} or
     *                    {@code "1F3FB-1F3FC"}
     */
    public static String caption(EmojiEntry entry, String skinToneKey) {
        List<String> parts = new ArrayList<>();
        parts.add(entry.name());
        if (skinToneKey != null) {
            for (SkinTone tone : SkinTone.parseKey(skinToneKey).stream().distinct().toList()) {
                parts.add(tone.label() + " skin tone");
            }
        }
        parts.add(entry.subcategory());
        return String.join(", ", parts).toLowerCase(Locale.ROOT);
    }

    /**
     * The two shorter phrasings of a caption of this format: without the subcategory ({@code <name>[, tones]}) and
     * without the name ({@code [tones, ]<subcategory>}), e.g. "grinning face" and "face-smiling". A caption of one
     * part has none.
     */
    static List<String> variants(String caption) {
        String[] parts = caption.split(", ");
        if (parts.length < 2) {
            return List.of();
        }
        List<String> tones = List.of(parts).subList(1, parts.length - 1);
        List<String> nameOnly = new ArrayList<>();
        nameOnly.add(parts[0]);
        nameOnly.addAll(tones);
        List<String> subcategoryOnly = new ArrayList<>(tones);
        subcategoryOnly.add(parts[parts.length - 1]);
        return List.of(String.join(", ", nameOnly), String.join(", ", subcategoryOnly));
    }
}
