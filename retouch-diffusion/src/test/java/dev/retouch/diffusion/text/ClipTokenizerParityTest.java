package dev.retouch.diffusion.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our BPE tokenizer on OpenAI CLIP's own vocabulary (the released {@code bpe_simple_vocab_16e6.txt.gz}, bundled; the text
 * encoder's tokenizer of Stable Diffusion 1.x and, with another pad token, 2.x) against the ids OpenAI's tokenizer
 * gives 20 texts: lower-casing, repeated whitespace, punctuation and contractions, digits, composed and decomposed
 * accents, emoji with modifiers, CJK, and a 100-word prompt cut to the 77-token context with its end token kept
 * (golden ids written by scripts/clip-golden/golden.py from github.com/openai/CLIP's clip/simple_tokenizer.py;
 * see src/test/resources/clip-openai/NOTICE).
 */
class ClipTokenizerParityTest {
    private static final Path DIR = Path.of("src/test/resources/clip-openai");

    @Test
    void idsEqualOpenAisTokenizerOnTheGoldenSet() throws Exception {
        BpeVocabulary vocabulary = BpeVocabulary.openAiClip();
        assertEquals(49408, vocabulary.size());
        ClipTokenizer tokenizer = ClipTokenizer.of(vocabulary);
        assertEquals(49406, tokenizer.startId());
        assertEquals(49407, tokenizer.endId());
        List<String> lines = Files.readAllLines(DIR.resolve("golden-ids.jsonl"));
        assertEquals(20, lines.size());
        ObjectMapper json = new ObjectMapper();
        int truncatedCases = 0;
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            JsonNode c = json.readTree(line);
            String text = c.get("text").asText();
            int[] all = new int[c.get("ids").size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = c.get("ids").get(i).asInt();
            }
            if (!Arrays.equals(all, tokenizer.encode(text))) {
                failures.add(text + ": expected " + Arrays.toString(all) + " got "
                        + Arrays.toString(tokenizer.encode(text)));
                continue;
            }
            // the 77-token context: padded with the end token (SD 1.x), or cut with the end token kept
            int[] expected = new int[ClipTokenizer.CLIP_CONTEXT_LENGTH];
            Arrays.fill(expected, 49407);
            System.arraycopy(all, 0, expected, 0, Math.min(all.length, expected.length));
            expected[expected.length - 1] = all.length > expected.length ? 49407 : expected[expected.length - 1];
            ClipEncoding e = tokenizer.encode(text, ClipTokenizer.CLIP_CONTEXT_LENGTH);
            assertArrayEquals(expected, e.ids(), text);
            assertEquals(all.length > expected.length, e.truncated(), text);
            truncatedCases += e.truncated() ? 1 : 0;
        }
        assertEquals(List.of(), failures, "parity failures");
        assertEquals(1, truncatedCases);
        // SD 2.x pads with "!" (id 0)
        ClipEncoding padded = tokenizer.withPadId(vocabulary.ids().get("!")).encode("a photo of a cat", 77);
        assertEquals(0, padded.ids()[7]);
        assertEquals(49407, padded.ids()[6]);
        assertTrue(padded.length() == 7);
    }
}
