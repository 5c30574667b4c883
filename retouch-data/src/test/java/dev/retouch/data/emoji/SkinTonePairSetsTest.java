package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import dev.retouch.data.pairs.ImagePair;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SkinTonePairSetsTest {
    @Test
    void evenlySpacedPicksFloorOfKTimesNOverLimit() {
        EmojiDataset ds = Fixtures.dataset();
        SkinTonePair p = new SkinTonePairs(ds).pairs(SkinTone.DARK).get(0);
        List<SkinTonePair> ten = IntStream.range(0, 10).mapToObj(i -> p).toList();
        assertEquals(4, SkinTonePairSets.evenlySpaced(ten, 4).size());
        assertEquals(10, SkinTonePairSets.evenlySpaced(ten, 0).size());
        assertEquals(10, SkinTonePairSets.evenlySpaced(ten, 50).size());
        assertThrows(RetouchException.class, () -> SkinTonePairSets.evenlySpaced(ten, -1));
    }

    @Test
    void evenlySpacedIndicesAreDeterministic() {
        // indices ⌊k·N/limit⌋ for N = 7, limit = 3: 0, 2, 4
        EmojiDataset ds = Fixtures.dataset();
        List<SkinTonePair> all = new SkinTonePairs(ds).pairs(SkinTone.DARK);
        List<SkinTonePair> seven = List.of(all.get(0), all.get(1), all.get(0), all.get(1), all.get(1), all.get(0),
                all.get(0));
        assertEquals(List.of(seven.get(0), seven.get(2), seven.get(4)), SkinTonePairSets.evenlySpaced(seven, 3));
    }

    @Test
    void selectNamesPairsByTheDefaultImageAndKeepsTheSplit() {
        EmojiDataset ds = Fixtures.dataset();
        List<ImagePair> test = SkinTonePairSets.select(ds, SkinTone.DARK, Split.TEST, 20);
        assertEquals(List.of("1f44b"), test.stream().map(ImagePair::name).toList());
        assertEquals(ds.rgbImage(ds.image("1f44b.png")), test.get(0).before());
        assertEquals(ds.rgbImage(ds.image("1f44b-1f3ff.png")), test.get(0).after());
        assertEquals(List.of("1f44d"), SkinTonePairSets.select(ds, SkinTone.DARK, Split.TRAIN, 20).stream()
                .map(ImagePair::name).toList());
        String m = assertThrows(RetouchException.class,
                () -> SkinTonePairSets.select(ds, SkinTone.DARK, Split.VALIDATION, 20)).getMessage();
        assertTrue(m.contains("no dark (1F3FF) skin-tone pairs in the validation split"), m);
    }

    @Test
    void toneFromNumberOrCode() {
        assertEquals(SkinTone.DARK, SkinTonePairSets.tone("5"));
        assertEquals(SkinTone.LIGHT, SkinTonePairSets.tone("1"));
        assertEquals(SkinTone.MEDIUM_DARK, SkinTonePairSets.tone("1f3fe"));
        assertThrows(RetouchException.class, () -> SkinTonePairSets.tone("6"));
    }
}
