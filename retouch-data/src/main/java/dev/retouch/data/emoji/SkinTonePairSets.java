package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import dev.retouch.data.pairs.ImagePair;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ready-made few-shot pair sets from the skin-tone variants: default (yellow) emoji → one tone, within one split,
 * so a set exported from TRAIN never shares an emoji with one from TEST (splits are by base emoji).
 *
 * <p>The choice of a limited set is deterministic: the split's pairs sorted by the default image's file name, then
 * {@code limit} of them evenly spaced, index ⌊k·N/limit⌋ for k = 0 … limit−1. Each pair is named by the default
 * image's file stem (e.g. {@code 1f44b}), so {@code before/1f44b.png} is the default image and
 * {@code after/1f44b.png} the variant.
 */
public final class SkinTonePairSets {
    private SkinTonePairSets() {
    }

    /** The tone of a user-facing number 1 … 5 (light … dark) or a code such as {@code 1F3FF}. */
    public static SkinTone tone(String numberOrCode) {
        if (numberOrCode.matches("[1-5]")) {
            return SkinTone.values()[Integer.parseInt(numberOrCode) - 1];
        }
        return SkinTone.fromCode(numberOrCode);
    }

    /** All pairs of {@code tone} in {@code split}, sorted by the default image's file name. */
    public static List<SkinTonePair> sorted(EmojiDataset dataset, SkinTone tone, Split split) {
        return new SkinTonePairs(dataset).pairs(tone, split).stream()
                .sorted(Comparator.comparing(p -> p.source().image())).toList();
    }

    /**
     * {@code limit} pairs evenly spaced over {@code sorted} (all of them when {@code limit} is 0 or at least
     * their number).
     */
    public static List<SkinTonePair> evenlySpaced(List<SkinTonePair> sorted, int limit) {
        if (limit < 0) {
            throw new RetouchException("pair limit must be >= 0 (0 = all), got " + limit);
        }
        int n = sorted.size();
        if (limit == 0 || limit >= n) {
            return List.copyOf(sorted);
        }
        List<SkinTonePair> out = new ArrayList<>(limit);
        for (int k = 0; k < limit; k++) {
            out.add(sorted.get((int) ((long) k * n / limit)));
        }
        return List.copyOf(out);
    }

    /** The deterministic set: {@link #evenlySpaced} over {@link #sorted}; fails when the split has no pair. */
    public static List<ImagePair> select(EmojiDataset dataset, SkinTone tone, Split split, int limit) {
        List<SkinTonePair> all = sorted(dataset, tone, split);
        if (all.isEmpty()) {
            throw new RetouchException("no " + tone.label() + " (" + tone.code() + ") skin-tone pairs in the "
                    + split.name().toLowerCase(java.util.Locale.ROOT) + " split");
        }
        return evenlySpaced(all, limit).stream().map(p -> toImagePair(dataset, p)).toList();
    }

    /** A pair as an {@link ImagePair} named by the default image's file stem. */
    public static ImagePair toImagePair(EmojiDataset dataset, SkinTonePair pair) {
        String file = pair.source().image();
        String name = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        return new ImagePair(name, dataset.rgbImage(pair.source()), dataset.rgbImage(pair.target()));
    }
}
