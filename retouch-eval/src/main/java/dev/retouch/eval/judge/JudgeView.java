package dev.retouch.eval.judge;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;

import java.util.Locale;

/** The judge's view of single images, for reports: its top-1 subcategory with its probability. */
public final class JudgeView {
    private final EmojiJudge judge;

    public JudgeView(EmojiJudge judge) {
        this.judge = judge;
    }

    /** e.g. "judge: face-smiling 0.83" (any image size; resized to the judge's without a notice). */
    public String label(RgbImage image) {
        JudgeScores s = JudgeScores.of(judge, ImageTensors.toTensor(image), notice -> { });
        return String.format(Locale.ROOT, "judge: %s %.2f", judge.config().subcategories().get(s.top1(0)),
                s.confidence(0));
    }

    /** The judge's face-part classes of {@code image}, a width×height map (nearest-resized from the judge's 32×32). */
    public byte[] segment(RgbImage image) {
        byte[] m = JudgeScores.of(judge, ImageTensors.toTensor(image), notice -> { }).faceMaps()[0];
        int side = judge.config().segmentSize();
        int w = image.width();
        int h = image.height();
        if (w == side && h == side) {
            return m;
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = m[(y * side / h) * side + x * side / w];
            }
        }
        return out;
    }

    /**
     * Share of the region's pixels ({@code inside(i)}) whose judge class equals {@code target[i]}: the edit's
     * accuracy as an evaluation-only model reads it.
     */
    public double accuracyInside(RgbImage image, byte[] target, java.util.function.IntPredicate inside) {
        byte[] seg = segment(image);
        int n = 0;
        int hit = 0;
        for (int i = 0; i < seg.length; i++) {
            if (inside.test(i)) {
                n++;
                hit += seg[i] == target[i] ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }
}
