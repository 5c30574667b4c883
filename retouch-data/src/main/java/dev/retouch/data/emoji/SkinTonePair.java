package dev.retouch.data.emoji;

import java.util.Objects;

/**
 * A paired example for skin-tone editing: an emoji's default (yellow) image and the same emoji in one tone.
 *
 * @param source the default image
 * @param target the variant in {@code tone}
 * @param tone   the target's skin tone
 */
public record SkinTonePair(EmojiImage source, EmojiImage target, SkinTone tone) {
    public SkinTonePair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tone, "tone");
    }
}
