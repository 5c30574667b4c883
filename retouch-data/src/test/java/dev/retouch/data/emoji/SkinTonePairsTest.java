package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkinTonePairsTest {
    private static final EmojiDataset DATASET = Fixtures.dataset();
    private static final SkinTonePairs PAIRS = new SkinTonePairs(DATASET);

    private static List<String> names(List<SkinTonePair> pairs) {
        return pairs.stream().map(p -> p.source().image() + "->" + p.target().image()).toList();
    }

    @Test
    void pairsDefaultWithTheToneVariantSkippingTwoToneKeys() {
        List<SkinTonePair> dark = PAIRS.pairs("1F3FF");
        assertEquals(List.of("1f44b.png->1f44b-1f3ff.png", "1f44d.png->1f44d-1f3ff.png"), names(dark));
        assertEquals(SkinTone.DARK, dark.get(0).tone());
        assertEquals(dark, PAIRS.pairs(SkinTone.DARK));
        assertEquals(List.of(), PAIRS.pairs("1F3FB")); // the handshake's 1F3FB-1F3FF is two-tone: skipped
    }

    @Test
    void filtersBySplitOfTheBase() {
        assertEquals(List.of("1f44b.png->1f44b-1f3ff.png"), names(PAIRS.pairs("1F3FF", Split.TEST)));
        assertEquals(List.of("1f44d.png->1f44d-1f3ff.png"), names(PAIRS.pairs(SkinTone.DARK, Split.TRAIN)));
        assertEquals(List.of(), PAIRS.pairs("1F3FF", Split.VALIDATION));
    }

    @Test
    void unknownToneIsAnError() {
        assertThrows(RetouchException.class, () -> PAIRS.pairs("dark"));
    }
}
