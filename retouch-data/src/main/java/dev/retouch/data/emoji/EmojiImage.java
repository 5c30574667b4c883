package dev.retouch.data.emoji;

import dev.retouch.data.Split;
import java.util.Objects;

/**
 * One image file of the emoji set: a base emoji's default (yellow) image or one of its skin-tone variants.
 *
 * @param image    the file name inside the archive's {@code package/img/google/64/}, e.g. {@code "1f44b-1f3ff.png"}
 * @param unified  the image's own code points, e.g. {@code "1F44B-1F3FF"}
 * @param base     the base emoji this image belongs to (for a default image, the emoji itself)
 * @param skinTone null for the default image, else the {@code skin_variations} key, e.g. {@code "1F3FF"}
 * @param caption  the deterministic caption, see {@link EmojiCaptions}
 */
public record EmojiImage(String image, String unified, EmojiEntry base, String skinTone, String caption) {
    public EmojiImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(unified, "unified");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(caption, "caption");
    }

    /** True for a skin-tone variant, false for the default image. */
    public boolean isVariant() {
        return skinTone != null;
    }

    /** The split of this image: that of its base emoji, so all variants of one emoji share a split. */
    public Split split() {
        return Split.forKey(base.unified());
    }
}
