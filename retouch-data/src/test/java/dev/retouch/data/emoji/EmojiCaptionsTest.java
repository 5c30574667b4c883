package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.RetouchException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmojiCaptionsTest {
    private static final EmojiEntry WAVE = new EmojiEntry("WAVING HAND SIGN", "wave", "1F44B", "1f44b.png",
            "People & Body", "hand-fingers-open", 170, List.of());

    @Test
    void goldenCaptionsOfFixtures() {
        EmojiDataset dataset = Fixtures.dataset();
        assertEquals("grinning face, face-smiling", dataset.image("1f600.png").caption());
        assertEquals("face with tears of joy, face-smiling", dataset.image("1f602.png").caption());
        assertEquals("loudly crying face, face-concerned", dataset.image("1f62d.png").caption());
        assertEquals("neutral face, face-neutral-skeptical", dataset.image("1f610.png").caption());
        assertEquals("waving hand sign, hand-fingers-open", dataset.image("1f44b.png").caption());
        assertEquals("waving hand sign, dark skin tone, hand-fingers-open",
                dataset.image("1f44b-1f3ff.png").caption());
        assertEquals("thumbs up sign, dark skin tone, hand-fingers-closed",
                dataset.image("1f44d-1f3ff.png").caption());
        assertEquals("handshake, light skin tone, dark skin tone, hands",
                dataset.image("1faf1-1f3fb-200d-1faf2-1f3ff.png").caption());
    }

    @Test
    void captionVariantsAreTheNameAndTheSubcategoryEachWithTheTones() {
        assertEquals(java.util.List.of("grinning face", "face-smiling"),
                EmojiDataset.captionVariants("grinning face, face-smiling"));
        assertEquals(java.util.List.of("waving hand sign, medium-dark skin tone", "medium-dark skin tone, hand-fingers-open"),
                EmojiDataset.captionVariants("waving hand sign, medium-dark skin tone, hand-fingers-open"));
        assertEquals(java.util.List.of(), EmojiDataset.captionVariants("red heart"));
    }

    @Test
    void everyToneHasItsLabel() {
        assertEquals("waving hand sign, light skin tone, hand-fingers-open", EmojiCaptions.caption(WAVE, "1F3FB"));
        assertEquals("waving hand sign, medium-light skin tone, hand-fingers-open",
                EmojiCaptions.caption(WAVE, "1F3FC"));
        assertEquals("waving hand sign, medium skin tone, hand-fingers-open", EmojiCaptions.caption(WAVE, "1F3FD"));
        assertEquals("waving hand sign, medium-dark skin tone, hand-fingers-open",
                EmojiCaptions.caption(WAVE, "1F3FE"));
        assertEquals("waving hand sign, dark skin tone, hand-fingers-open", EmojiCaptions.caption(WAVE, "1F3FF"));
    }

    @Test
    void equalTonesOfTwoPeopleAreNamedOnce() {
        assertEquals("waving hand sign, medium skin tone, hand-fingers-open",
                EmojiCaptions.caption(WAVE, "1F3FD-1F3FD"));
    }

    @Test
    void unknownToneIsAnError() {
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiCaptions.caption(WAVE, "1F3FA"));
        assertEquals("unknown skin tone '1F3FA': expected one of 1F3FB (light), 1F3FC (medium-light), "
                + "1F3FD (medium), 1F3FE (medium-dark), 1F3FF (dark)", e.getMessage());
    }
}
