package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Two-panel training composites for a text-to-image model that must render a pair of related images side by side in
 * one canvas (paper 003's pair generation; Stable Diffusion renders such canvases natively, emoji-ldm does not).
 * Every composite shows one identity twice with one attribute changed, drawn half from each of two kinds:
 * <ul>
 *   <li><b>tone pairs</b>: the same base emoji in two of its skin tones (default yellow and the five tones), so the
 *       figure, its props and layout are shared and only the colour differs;</li>
 *   <li><b>face pairs</b>: two different yellow faces (subcategories {@code face-*} without skin tones), so the face
 *       is shared and only the expression differs.</li>
 * </ul>
 * No composite puts a man and a woman (or a person) variant of the same role side by side: those real pairs are the
 * held-out ground truth of the portrait evaluation, never training data.
 *
 * <p>The joint caption names both panels, left first, without their subcategories (to fit the text encoder's short
 * context): {@code "<left name>[, <tone> skin tone] | <right name>[, <tone> skin tone]"}.
 */
public final class PanelPairs {
    /** One composite: {@code left} on the left half, {@code right} on the right half. */
    public record PanelPair(EmojiImage left, EmojiImage right) {
        /** The caption of the whole canvas. */
        public String jointCaption() {
            return shortCaption(left) + " | " + shortCaption(right);
        }
    }

    private PanelPairs() {
    }

    /** An image's caption without its subcategory, e.g. {@code "man cook, medium skin tone"}. */
    public static String shortCaption(EmojiImage image) {
        String suffix = ", " + image.base().subcategory().toLowerCase(Locale.ROOT);
        String caption = image.caption();
        return caption.endsWith(suffix) ? caption.substring(0, caption.length() - suffix.length()) : caption;
    }

    /** Whether an image is a yellow face: an emoji of a {@code face-*} subcategory without skin tones. */
    public static boolean isYellowFace(EmojiImage image) {
        return !image.isVariant() && image.base().skinVariants().isEmpty()
                && image.base().subcategory().startsWith("face-");
    }

    /**
     * {@code count} composites of {@code split}, half tone pairs and half face pairs (the face half first), drawn
     * without repetition by a generator seeded with {@code seed}: the same arguments give the same list.
     *
     * @throws RetouchException when the split has fewer distinct pairs of either kind than asked for
     */
    public static List<PanelPair> of(EmojiDataset data, Split split, int count, long seed) {
        if (count < 2) {
            throw new RetouchException("ask for at least 2 two-panel composites, got " + count);
        }
        Random random = new Random(seed);
        List<PanelPair> faces = facePairs(data, split);
        List<PanelPair> tones = tonePairs(data, split);
        int faceCount = count / 2;
        int toneCount = count - faceCount;
        if (faces.size() < faceCount || tones.size() < toneCount) {
            throw new RetouchException("the " + split.name().toLowerCase(Locale.ROOT) + " split has " + faces.size()
                    + " face pairs and " + tones.size() + " tone pairs; " + count + " composites need " + faceCount
                    + " and " + toneCount);
        }
        Collections.shuffle(faces, random);
        Collections.shuffle(tones, random);
        List<PanelPair> out = new ArrayList<>(faces.subList(0, faceCount));
        out.addAll(tones.subList(0, toneCount));
        return List.copyOf(out);
    }

    /** Every ordered pair of two different yellow faces of the split. */
    static List<PanelPair> facePairs(EmojiDataset data, Split split) {
        List<EmojiImage> faces = data.images(split).stream().filter(PanelPairs::isYellowFace).toList();
        List<PanelPair> pairs = new ArrayList<>();
        for (EmojiImage a : faces) {
            for (EmojiImage b : faces) {
                if (a != b) {
                    pairs.add(new PanelPair(a, b));
                }
            }
        }
        return pairs;
    }

    /** Every ordered pair of two different images (default or one tone) of one base emoji of the split. */
    static List<PanelPair> tonePairs(EmojiDataset data, Split split) {
        List<PanelPair> pairs = new ArrayList<>();
        for (EmojiEntry entry : data.entries()) {
            if (entry.singleToneVariants().isEmpty() || data.defaultImage(entry).split() != split) {
                continue;
            }
            List<EmojiImage> group = new ArrayList<>();
            group.add(data.defaultImage(entry));
            for (EmojiVariant v : entry.singleToneVariants()) {
                group.add(data.image(v.image()));
            }
            for (EmojiImage a : group) {
                for (EmojiImage b : group) {
                    if (a != b) {
                        pairs.add(new PanelPair(a, b));
                    }
                }
            }
        }
        return pairs;
    }
}
