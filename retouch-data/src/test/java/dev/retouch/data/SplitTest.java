package dev.retouch.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void fnv1a64MatchesPublishedTestVectors() {
        assertEquals(0xcbf29ce484222325L, Split.fnv1a64(""));
        assertEquals(0xaf63dc4c8601ec8cL, Split.fnv1a64("a"));
        assertEquals(0x85944171f73967e8L, Split.fnv1a64("foobar"));
    }

    @Test
    void goldenSplitsOfNamedEmojis() {
        assertEquals(88, Split.bucket("1F600"));
        assertEquals(Split.VALIDATION, Split.forKey("1F600")); // grinning face
        assertEquals(Split.TEST, Split.forKey("1F44B"));       // waving hand
        assertEquals(Split.TRAIN, Split.forKey("1F602"));      // face with tears of joy
    }

    @Test
    void bucketsAreRoughly80By10By10() {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < 100_000; i++) {
            counts.merge(Split.forKey("key-" + i), 1, Integer::sum);
        }
        assertEquals(80_000, counts.get(Split.TRAIN), 1_000);
        assertEquals(10_000, counts.get(Split.VALIDATION), 600);
        assertEquals(10_000, counts.get(Split.TEST), 600);
    }
}
