package dev.retouch.eval.samples;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import org.bytedeco.javacpp.PointerScope;

/** The judge's readings of the real emoji splits, shared by the benchmarks of this package. */
final class RealReadings {
    private RealReadings() {
    }

    private record Key(EmojiJudge judge, String dataset, int images, Split split, int side) {
    }

    /**
     * The judge's readings of the real images, for the last few (judge, dataset, split, size): runs in one process
     * with the same judge instance (the store shares it) read each split once.
     */
    private static final java.util.Map<Key, JudgeScores> REAL = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Key, JudgeScores> eldest) {
                    return size() > 4;
                }
            });

    static JudgeScores of(EmojiJudge judge, EmojiDataset ds, Split split, int side) {
        Key key = new Key(judge, ds.source(), ds.images().size(), split, side);
        JudgeScores s = REAL.get(key);
        if (s == null) {
            try (PointerScope ignored = new PointerScope()) {
                s = JudgeScores.of(judge, ds.tensor(ds.images(split), side), n -> { });
            }
            REAL.put(key, s);
        }
        return s;
    }
}
