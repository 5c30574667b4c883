package dev.retouch.data.emoji;

import java.util.Objects;

/**
 * One skin-tone variant of an emoji, from an entry of {@code skin_variations} in {@code emoji.json}.
 *
 * @param unified  the variant's code points, e.g. {@code "1F44B-1F3FF"}
 * @param image    its image file name, e.g. {@code "1f44b-1f3ff.png"}
 * @param skinTone the {@code skin_variations} key: one modifier {@code "1F3FB"}..{@code "1F3FF"}, or two joined by
 *                 {@code '-'} for two-person emojis, e.g. {@code "1F3FB-1F3FC"} (see {@link SkinTone#parseKey})
 */
public record EmojiVariant(String unified, String image, String skinTone) {
    public EmojiVariant {
        Objects.requireNonNull(unified, "unified");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(skinTone, "skinTone");
    }

    /** True when the key names one tone (one person, or several people of one tone), e.g. {@code "1F3FF"}. */
    public boolean isSingleTone() {
        return skinTone.indexOf('-') < 0;
    }
}
