package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.retouch.diffusion.text.TinyClipVocab.END;
import static dev.retouch.diffusion.text.TinyClipVocab.START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-worked encodings on {@link TinyClipVocab} (byte ids and merge ranks are listed there). S = 522, E = 523.
 */
class ClipTokenizerTest {
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load(@TempDir Path dir) {
        tokenizer = ClipTokenizer.load(TinyClipVocab.write(dir));
    }

    private static int[] ids(int... middle) {
        return IntStream.concat(IntStream.concat(IntStream.of(START), IntStream.of(middle)), IntStream.of(END))
                .toArray();
    }

    @Test
    void mergesApplyLowestRankFirst() {
        // the: [t, h, e</w>]; (h, e</w>) rank 4 beats (t, h) rank 5 → [t, he</w>]; then (t, he</w>) rank 6 → 518.
        // cat: [c, a, t</w>]; (c, a) rank 2 → [ca, t</w>]; (ca, t</w>) rank 3 → 515.
        assertArrayEquals(ids(518, 515), tokenizer.encode("the cat"));
        assertEquals(List.of("the</w>"), tokenizer.bpe("the"));
        // th: [t, h</w>]: no merge (rank 5 is (t, h), not (t, h</w>)) → t 83, h</w> 71 + 256 = 327.
        assertArrayEquals(ids(83, 327), tokenizer.encode("th"));
    }

    @Test
    void aMergeReplacesEveryOccurrenceLeftToRight() {
        // abab: [a, b, a, b</w>] → (a, b) rank 7 → [ab, a, b</w>] → (a, b</w>) rank 8 → [ab, ab</w>]
        //       → (ab, ab</w>) rank 9 → [abab</w>] 521.
        assertArrayEquals(ids(521), tokenizer.encode("abab"));
        // ababab: rank 7 merges both inner pairs → [ab, ab, a, b</w>] → rank 8 → [ab, ab, ab</w>]
        //         → rank 9 only at the end → [ab 519, abab</w> 521].
        assertArrayEquals(ids(519, 521), tokenizer.encode("ababab"));
    }

    @Test
    void digitsAreOneTokenEach() {
        // '2' = 50 → 17, '0' = 48 → 15, '4' = 52 → 19; each digit is a word, so + 256 for </w>.
        assertArrayEquals(ids(273, 271, 273, 275), tokenizer.encode("2024"));
    }

    @Test
    void punctuationRunsAreWords() {
        // "!?" → [!, ?</w>] → '!' 0, '?' = 63 → 30 + 256 = 286.
        assertArrayEquals(ids(515, 0, 286), tokenizer.encode("cat!?"));
        // hi → [h 71, i</w> 72 + 256 = 328]; ',' = 44 → 11 + 256 = 267.
        assertArrayEquals(ids(71, 328, 267, 518, 515), tokenizer.encode("hi, the cat"));
    }

    @Test
    void apostropheContractionsSplitOff() {
        // it's → "it" [i, t</w>] rank 0 → 512; "'s" [', s</w>] rank 1 → 513.
        assertArrayEquals(ids(512, 513), tokenizer.encode("it's"));
        assertArrayEquals(ids(512, 513), tokenizer.encode("IT'S"));
        // the curly apostrophe is straightened first, as ftfy does for CLIP
        assertArrayEquals(ids(512, 513), tokenizer.encode("It’s"));
    }

    @Test
    void upperCaseWhiteSpaceAndEntitiesAreCleaned() {
        assertArrayEquals(ids(518, 515), tokenizer.encode("  The\t\n  CAT  "));
        // '&' = 38 → 5 + 256 = 261.
        assertArrayEquals(ids(515, 261, 518), tokenizer.encode("cat &amp; the"));
        // unescaped twice, as CLIP does: &amp;amp; → &amp; → &.
        assertArrayEquals(ids(261), tokenizer.encode("&amp;amp;"));
        // &lt;3 → "<3" → '<' = 60 → 27 + 256 = 283; '3' = 51 → 18 + 256 = 274.
        assertArrayEquals(ids(283, 274), tokenizer.encode("&lt;3"));
        assertArrayEquals(ids(), tokenizer.encode(" \t "));
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToBytes() {
        // é = C3 A9: 0xC3 → 106 + (0xC3 − 0xAE) = 127; 0xA9 → 94 + 8 = 102, + 256 = 358.
        assertArrayEquals(ids(127, 358), tokenizer.encode("é"));
        // café → [c, a, f, Ã, ©</w>] → (c, a) → ca 514, f 69, Ã 127, ©</w> 358; É lower-cases to é, and
        // "e" + combining acute is NFC-composed to é first.
        assertArrayEquals(ids(514, 69, 127, 358), tokenizer.encode("café"));
        assertArrayEquals(ids(514, 69, 127, 358), tokenizer.encode("CAFÉ"));
        assertArrayEquals(ids(514, 69, 127, 358), tokenizer.encode("cafe\u0301"));
        // 😀 = F0 9F 98 80: 0xF0 → 106 + 66 = 172; 0x9F → 221 + 32 = 253; 0x98 → 221 + 25 = 246;
        // 0x80 → 221 + 1 = 222, + 256 = 478.
        assertArrayEquals(ids(172, 253, 246, 478), tokenizer.encode("😀"));
        // 猫 U+732B = E7 8C AB: 0xE7 → 106 + 57 = 163; 0x8C → 221 + 13 = 234; 0xAB → 94 + 10 = 104, + 256 = 360.
        assertArrayEquals(ids(163, 234, 360), tokenizer.encode("猫"));
    }

    @Test
    void specialTokensInTheTextAreSpecialIds() {
        assertArrayEquals(ids(END, 515), tokenizer.encode("<|endoftext|> cat"));
        assertArrayEquals(ids(START), tokenizer.encode("<|StartOfText|>"));
    }

    @Test
    void longPromptsAreTruncatedWithTheEndTokenKept() {
        ClipEncoding e = tokenizer.encode("cat ".repeat(100), 77);
        int[] expected = new int[77];
        java.util.Arrays.fill(expected, 515);
        expected[0] = START;
        expected[76] = END;
        assertArrayEquals(expected, e.ids());
        assertEquals(77, e.length());
        assertTrue(e.truncated());
        // 75 words + start + end fill 77 exactly: not truncated; 76 words are.
        assertFalse(tokenizer.encode("cat ".repeat(75), 77).truncated());
        assertArrayEquals(expected, tokenizer.encode("cat ".repeat(75), 77).ids());
        assertTrue(tokenizer.encode("cat ".repeat(76), 77).truncated());
    }

    @Test
    void shortPromptsArePaddedWithTheEndTokenOrTheChosenId() {
        ClipEncoding e = tokenizer.encode("the cat", ClipTokenizer.CLIP_CONTEXT_LENGTH);
        assertEquals(4, e.length());
        assertFalse(e.truncated());
        assertArrayEquals(ids(518, 515), e.tokens());
        int[] ids = e.ids();
        for (int i = 4; i < 77; i++) {
            assertEquals(END, ids[i]);
        }
        assertEquals(4, IntStream.of(e.attentionMask()).sum());
        assertEquals(1, e.attentionMask()[3]);
        assertEquals(0, e.attentionMask()[4]);
        ClipEncoding zeros = tokenizer.withPadId(0).encode("the cat", 8);
        assertArrayEquals(new int[]{START, 518, 515, END, 0, 0, 0, 0}, zeros.ids());
        assertEquals(END, tokenizer.padId());
        assertThrows(RetouchException.class, () -> tokenizer.withPadId(524));
        assertThrows(RetouchException.class, () -> tokenizer.encode("cat", 1));
    }

    @Test
    void decodeGivesBackTheCleanedText() {
        String prompt = "  A Cat &amp; THE   CAFÉ 猫 😀 ";
        assertEquals("a cat & the café 猫 😀", ClipText.clean(prompt));
        assertEquals(ClipText.clean(prompt), tokenizer.decode(tokenizer.encode(prompt)));
        assertEquals(ClipText.clean(prompt), tokenizer.decode(tokenizer.encode(prompt, 77).ids()));
        // every pre-token is followed by a space, so text between them comes back spaced
        assertEquals("it 's 2 0 2 4 !", tokenizer.decode(tokenizer.encode("it's 2024!")));
    }

    @Test
    void decodeReplacesACutCharacterAndRejectsUnknownIds() {
        // the first two of 😀's four bytes
        assertEquals("\ufffd", tokenizer.decode(new int[]{172, 253}));
        RetouchException e = assertThrows(RetouchException.class, () -> tokenizer.decode(new int[]{524}));
        assertTrue(e.getMessage().contains("524"), e.getMessage());
    }

    @Test
    void aSymbolMissingFromTheVocabularyIsAClearError(@TempDir Path dir) {
        ClipTokenizer partial = ClipTokenizer.load(TinyClipVocab.write(dir, "z</w>"));
        assertArrayEquals(ids(515), partial.encode("cat"));
        RetouchException e = assertThrows(RetouchException.class, () -> partial.encode("fizz"));
        assertTrue(e.getMessage().contains("'fizz'") && e.getMessage().contains("'z</w>'")
                && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void sharedAcrossThreadsItGivesTheSameIds() {
        List<String> prompts = IntStream.range(0, 400).mapToObj(i -> "the cat " + i + " ab" + "ab".repeat(i % 5)
                + " café").toList();
        List<int[]> sequential = prompts.stream().map(tokenizer::encode).toList();
        List<int[]> parallel = prompts.parallelStream().map(tokenizer::encode).toList();
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i), prompts.get(i));
        }
        assertArrayEquals(ids(518, 515, 17 + 256, 519, 521, 514, 69, 127, 358), tokenizer.encode("the cat 2 ababab café"));
    }
}
