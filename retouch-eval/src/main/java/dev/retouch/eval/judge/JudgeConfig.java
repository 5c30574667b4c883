package dev.retouch.eval.judge;

import java.util.List;

/**
 * Structure of an {@link EmojiJudge}.
 *
 * @param imageSize     side of the RGB input (64: the emoji's own size; other sizes are resized to it)
 * @param channels      channels of the four levels (at imageSize/2, /4, /8, /16)
 * @param normGroups    GroupNorm groups
 * @param segmentSize   side of the face-part map (32, as pixelguide's label maps)
 * @param faceClasses   face-part classes (pixelguide's {@code FaceClass} order)
 * @param subcategories the emoji subcategories the classifier head names, in its output order
 */
public record JudgeConfig(int imageSize, List<Integer> channels, int normGroups, int segmentSize, int faceClasses,
                          List<String> subcategories) {
    public JudgeConfig {
        channels = List.copyOf(channels);
        subcategories = List.copyOf(subcategories);
        if (imageSize != 64 || segmentSize != imageSize / 2) {
            throw new IllegalArgumentException("the judge reads 64×64 images and segments at 32×32, found "
                    + imageSize + " and " + segmentSize);
        }
        if (channels.size() != 4 || channels.stream().anyMatch(c -> c < 1 || c % normGroups != 0)) {
            throw new IllegalArgumentException("need 4 level widths divisible by " + normGroups + ", found " + channels);
        }
        if (faceClasses < 2 || subcategories.size() < 2) {
            throw new IllegalArgumentException("need ≥ 2 face classes and ≥ 2 subcategories");
        }
        if (subcategories.stream().distinct().count() != subcategories.size()) {
            throw new IllegalArgumentException("subcategories must be distinct");
        }
    }

    /** The shipped judge's structure for the given subcategories. */
    public static JudgeConfig emoji(List<String> subcategories, int faceClasses) {
        return new JudgeConfig(64, List.of(32, 64, 128, 256), 16, 32, faceClasses, subcategories);
    }

    /** Width of the penultimate features (the Fréchet-distance space). */
    public int featureDim() {
        return channels.get(3);
    }
}
