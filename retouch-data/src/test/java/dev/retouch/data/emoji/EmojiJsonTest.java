package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmojiJsonTest {
    private static List<EmojiEntry> parse(String json) {
        return EmojiJson.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    private static EmojiEntry find(List<EmojiEntry> entries, String unified) {
        return entries.stream().filter(e -> e.unified().equals(unified)).findFirst().orElseThrow();
    }

    @Test
    void parsesKnownEntries() {
        List<EmojiEntry> entries = Fixtures.entries();
        assertEquals(8, entries.size());
        EmojiEntry grinning = find(entries, "1F600");
        assertEquals(new EmojiEntry("GRINNING FACE", "grinning", "1F600", "1f600.png", "Smileys & Emotion",
                "face-smiling", 1, List.of()), grinning);
        EmojiEntry wave = find(entries, "1F44B");
        assertEquals("WAVING HAND SIGN", wave.name());
        assertEquals("wave", wave.shortName());
        assertEquals("People & Body", wave.category());
        assertEquals("hand-fingers-open", wave.subcategory());
        assertEquals(170, wave.sortOrder());
        assertEquals(List.of(new EmojiVariant("1F44B-1F3FF", "1f44b-1f3ff.png", "1F3FF")), wave.skinVariants());
        EmojiEntry handshake = find(entries, "1F91D");
        assertEquals(List.of(new EmojiVariant("1FAF1-1F3FB-200D-1FAF2-1F3FF", "1faf1-1f3fb-200d-1faf2-1f3ff.png",
                "1F3FB-1F3FF")), handshake.skinVariants());
        assertEquals(List.of(), handshake.singleToneVariants());
    }

    @Test
    void sortsBySortOrder() {
        List<Integer> order = Fixtures.entries().stream().map(EmojiEntry::sortOrder).toList();
        assertEquals(List.of(1, 8, 39, 93, 94, 170, 197, 208), order);
    }

    @Test
    void nullNameFallsBackToShortNameWithSpaces() {
        EmojiEntry entry = parse("""
                [{"name": null, "unified": "1F9EA", "short_name": "test_tube", "image": "1f9ea.png",
                  "category": "Objects", "subcategory": "science", "sort_order": 5, "has_img_google": true}]
                """).get(0);
        assertEquals("test tube", entry.name());
        assertEquals("test tube, science", EmojiCaptions.caption(entry));
    }

    @Test
    void skipsEntriesAndVariantsWithoutGoogleImage() {
        List<EmojiEntry> entries = parse("""
                [{"name": "A", "unified": "1", "short_name": "a", "image": "1.png", "category": "c",
                  "subcategory": "s", "sort_order": 2, "has_img_google": false},
                 {"name": "B", "unified": "2", "short_name": "b", "image": "2.png", "category": "c",
                  "subcategory": "s", "sort_order": 1, "has_img_google": true, "skin_variations": {
                    "1F3FB": {"unified": "2-1F3FB", "image": "2-1f3fb.png", "has_img_google": false},
                    "1F3FC": {"unified": "2-1F3FC", "image": "2-1f3fc.png", "has_img_google": true}}}]
                """);
        assertEquals(1, entries.size());
        assertEquals(List.of(new EmojiVariant("2-1F3FC", "2-1f3fc.png", "1F3FC")), entries.get(0).skinVariants());
    }

    @Test
    void malformedJsonNamesTheSource() {
        RetouchException e = assertThrows(RetouchException.class, () -> parse("[{\"name\": "));
        assertTrue(e.getMessage().startsWith("cannot parse test.json as JSON"), e.getMessage());
        e = assertThrows(RetouchException.class, () -> parse("{\"a\": 1}"));
        assertEquals("malformed test.json: expected a JSON array of emoji entries, found object", e.getMessage());
    }

    @Test
    void missingFieldNamesEntryAndField() {
        RetouchException e = assertThrows(RetouchException.class, () -> parse("""
                [{"name": "A", "unified": "1F600", "short_name": "a", "image": "1.png",
                  "subcategory": "s", "sort_order": 1, "has_img_google": true}]
                """));
        assertEquals("malformed test.json entry 0 (1F600): expected a string 'category', found none",
                e.getMessage());
    }

    @Test
    void unknownSkinToneKeyIsAnError() {
        RetouchException e = assertThrows(RetouchException.class, () -> parse("""
                [{"name": "A", "unified": "1", "short_name": "a", "image": "1.png", "category": "c",
                  "subcategory": "s", "sort_order": 1, "has_img_google": true, "skin_variations": {
                    "1F3FA": {"unified": "1-1F3FA", "image": "1-1f3fa.png", "has_img_google": true}}}]
                """));
        assertTrue(e.getMessage().startsWith("malformed test.json entry 0 (1) skin variation 1F3FA: "
                + "unknown skin tone '1F3FA'"), e.getMessage());
    }
}
