package dev.retouch.data.emoji;

import java.util.List;
import java.util.Objects;

/**
 * One base emoji from {@code emoji.json}, with the skin-tone variants that have a Google image.
 *
 * @param name         the Unicode name as written in {@code emoji.json}, e.g. {@code "GRINNING FACE"}; where that is
 *                     null, the short name with underscores as spaces
 * @param shortName    e.g. {@code "grinning"}
 * @param unified      code points, e.g. {@code "1F600"}; the key of the emoji's split
 * @param image        image file name, e.g. {@code "1f600.png"}
 * @param category     e.g. {@code "Smileys & Emotion"}
 * @param subcategory  e.g. {@code "face-smiling"}
 * @param sortOrder    the position in the emoji picker order (1-based, unique)
 * @param skinVariants in {@code emoji.json} order; empty for emojis without skin tones
 */
public record EmojiEntry(
        String name,
        String shortName,
        String unified,
        String image,
        String category,
        String subcategory,
        int sortOrder,
        List<EmojiVariant> skinVariants) {
    public EmojiEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shortName, "shortName");
        Objects.requireNonNull(unified, "unified");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(subcategory, "subcategory");
        skinVariants = List.copyOf(skinVariants);
    }

    /** The variants whose key names a single tone, e.g. {@code "1F3FF"} (not {@code "1F3FB-1F3FF"}). */
    public List<EmojiVariant> singleToneVariants() {
        return skinVariants.stream().filter(EmojiVariant::isSingleTone).toList();
    }
}
