package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.retouch.data.Split;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks against the real archive of {@link EmojiCache#fromEnvironment()} (set {@code -Dretouch.cache=DIR} or
 * {@code RETOUCH_CACHE}). Skipped when the archive is absent, unless {@code -Dretouch.requireEmoji=true}: then
 * absence fails. Never downloads.
 */
class FullEmojiArchiveTest {
    private static EmojiDataset dataset;

    /** Per test, so that surefire reports each skipped test; the archive is read once. */
    @BeforeEach
    void loadOrSkip() {
        EmojiCache cache = EmojiCache.fromEnvironment();
        if (!cache.isPresent()) {
            String message = "emoji archive absent: " + cache.path() + " (run scripts/fetch-emoji.sh)";
            if (Boolean.getBoolean("retouch.requireEmoji")) {
                fail(message + " and -Dretouch.requireEmoji=true");
            }
            Assumptions.abort(message);
        }
        synchronized (FullEmojiArchiveTest.class) {
            if (dataset == null) {
                dataset = EmojiDataset.load(cache.path());
            }
        }
    }

    @Test
    void counts() {
        assertEquals(1911, dataset.entries().size());
        assertEquals(3786, dataset.images().size());
        assertEquals(1911, dataset.images().stream().filter(image -> !image.isVariant()).count());
    }

    @Test
    void knownEntries() {
        EmojiEntry grinning = dataset.image("1f600.png").base();
        assertEquals(new EmojiEntry("GRINNING FACE", "grinning", "1F600", "1f600.png", "Smileys & Emotion",
                "face-smiling", 1, List.of()), grinning);
        EmojiEntry wave = dataset.image("1f44b.png").base();
        assertEquals("WAVING HAND SIGN", wave.name());
        assertEquals("People & Body", wave.category());
        assertEquals("hand-fingers-open", wave.subcategory());
        assertEquals(List.of("1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"),
                wave.skinVariants().stream().map(EmojiVariant::skinTone).toList());
        assertEquals("waving hand sign, medium-dark skin tone, hand-fingers-open",
                dataset.image("1f44b-1f3fe.png").caption());
        assertEquals("handshake, light skin tone, hands", dataset.image("1f91d-1f3fb.png").caption());
        assertEquals(25, dataset.image("1f91d.png").base().skinVariants().size());
    }

    @Test
    void fixturesAreByteIdenticalToTheArchive() {
        for (String file : Fixtures.PNG_FILES) {
            assertArrayEquals(Fixtures.resource(file), dataset.png(dataset.image(file)), file);
        }
    }

    @Test
    void splitSizesAreGolden() {
        Map<Split, Long> images = new EnumMap<>(Split.class);
        Map<Split, Long> bases = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            images.put(split, (long) dataset.images(split).size());
            bases.put(split, dataset.images(split).stream().filter(image -> !image.isVariant()).count());
        }
        assertEquals(Map.of(Split.TRAIN, 2997L, Split.VALIDATION, 369L, Split.TEST, 420L), images);
        assertEquals(Map.of(Split.TRAIN, 1527L, Split.VALIDATION, 189L, Split.TEST, 195L), bases);
        assertEquals(Split.VALIDATION, dataset.image("1f600.png").split());
        assertEquals(Split.TEST, dataset.image("1f44b-1f3ff.png").split());
        assertEquals(Split.TRAIN, dataset.image("1f602.png").split());
    }

    @Test
    void noBaseEmojiStraddlesTwoSplits() {
        Map<String, Split> splitOfBase = new HashMap<>();
        for (Split split : Split.values()) {
            for (EmojiImage image : dataset.images(split)) {
                Split previous = splitOfBase.putIfAbsent(image.base().unified(), split);
                assertTrue(previous == null || previous == split, image.image() + " in " + previous + " and " + split);
            }
        }
        assertEquals(1911, splitOfBase.size());
    }

    @Test
    void skinTonePairCounts() {
        SkinTonePairs pairs = new SkinTonePairs(dataset);
        for (SkinTone tone : SkinTone.values()) {
            assertEquals(316, pairs.pairs(tone).size(), tone.toString());
            assertEquals(250, pairs.pairs(tone, Split.TRAIN).size(), tone.toString());
            assertEquals(31, pairs.pairs(tone, Split.VALIDATION).size(), tone.toString());
            assertEquals(35, pairs.pairs(tone, Split.TEST).size(), tone.toString());
        }
        long withAnyVariant = dataset.entries().stream().filter(e -> !e.skinVariants().isEmpty()).count();
        assertEquals(323, withAnyVariant); // DESIGN's 323: includes 7 two-person emojis with only two-tone keys
    }

    @Test
    void everyImageDecodesTo64x64() {
        Map<Integer, Long> sizes = dataset.images().stream()
                .collect(Collectors.groupingBy(image -> dataset.rgbImage(image).width(), Collectors.counting()));
        assertEquals(Map.of(64, 3786L), sizes);
    }

    @Test
    void panelPairsAreHalfFacesHalfTonesDeterministicAndNeverManWomanPairs() {
        List<PanelPairs.PanelPair> pairs = PanelPairs.of(dataset, Split.TRAIN, 400, 7);
        assertEquals(400, pairs.size());
        assertEquals(pairs, PanelPairs.of(dataset, Split.TRAIN, 400, 7), "same seed, same composites");
        assertTrue(!pairs.equals(PanelPairs.of(dataset, Split.TRAIN, 400, 8)), "another seed draws others");
        assertEquals(400, pairs.stream().distinct().count(), "drawn without repetition");
        for (int i = 0; i < 400; i++) {
            PanelPairs.PanelPair p = pairs.get(i);
            assertEquals(Split.TRAIN, p.left().split());
            assertEquals(Split.TRAIN, p.right().split());
            assertTrue(p.left() != p.right());
            if (i < 200) {
                assertTrue(PanelPairs.isYellowFace(p.left()) && PanelPairs.isYellowFace(p.right()), p.toString());
            } else {
                assertEquals(p.left().base(), p.right().base(), "a tone pair shows one emoji: " + p);
            }
        }
        EmojiImage grinning = dataset.image("1f600.png");
        EmojiImage cook = dataset.image("1f44b-1f3fd.png");
        assertEquals("grinning face", PanelPairs.shortCaption(grinning));
        assertEquals("waving hand sign, medium skin tone", PanelPairs.shortCaption(cook));
        assertEquals("grinning face | waving hand sign, medium skin tone", new PanelPairs.PanelPair(grinning, cook).jointCaption());
        assertThrows(dev.retouch.core.RetouchException.class, () -> PanelPairs.of(dataset, Split.TEST, 1_000_000, 0));
    }
}
