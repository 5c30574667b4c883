package dev.retouch.data.emoji;

import dev.retouch.data.Split;
import java.util.ArrayList;
import java.util.List;

/**
 * Paired sets default → skin tone: for every base emoji with a single-tone variant of the requested tone, the pair
 * (default image, that variant). Only variants whose skin-variation key names one tone (e.g. {@code "1F3FF"}) are
 * used; two-tone keys such as {@code "1F3FB-1F3FF"} are skipped. Emojis of several people that also have
 * single-tone keys (e.g. handshake, couple with heart: both people in one tone) are included. Pairs come in the
 * dataset's order; both images of a pair always share a split.
 */
final class SkinTonePairs {
    private final EmojiDataset dataset;

    public SkinTonePairs(EmojiDataset dataset) {
        this.dataset = dataset;
    }

    /** All pairs for a tone code {@code "1F3FB"}..{@code "1F3FF"}. */
    public List<SkinTonePair> pairs(String toneCode) {
        return pairs(SkinTone.fromCode(toneCode));
    }

    /** The pairs for a tone code whose base emoji falls in {@code split}. */
    public List<SkinTonePair> pairs(String toneCode, Split split) {
        return pairs(SkinTone.fromCode(toneCode), split);
    }

    /** All pairs for a tone. */
    public List<SkinTonePair> pairs(SkinTone tone) {
        List<SkinTonePair> pairs = new ArrayList<>();
        for (EmojiEntry entry : dataset.entries()) {
            for (EmojiVariant variant : entry.singleToneVariants()) {
                if (variant.skinTone().equalsIgnoreCase(tone.code())) {
                    pairs.add(new SkinTonePair(dataset.defaultImage(entry), dataset.image(variant.image()), tone));
                }
            }
        }
        return List.copyOf(pairs);
    }

    /** The pairs for a tone whose base emoji falls in {@code split}. */
    public List<SkinTonePair> pairs(SkinTone tone, Split split) {
        return pairs(tone).stream().filter(pair -> pair.source().split() == split).toList();
    }
}
