package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-worked merges, tie-breaking, CLIP's layout, determinism, and a trained vocabulary re-loaded. */
class BpeTrainerTest {
    static final List<String> CAPTIONS = List.of(
            "grinning face, face-smiling",
            "grinning face with smiling eyes, face-smiling",
            "face with tears of joy, face-smiling",
            "smiling face with halo, face-smiling",
            "loudly crying face, face-concerned",
            "waving hand sign, hand-fingers-open",
            "waving hand sign, light skin tone, hand-fingers-open",
            "waving hand sign, medium-light skin tone, hand-fingers-open",
            "waving hand sign, medium skin tone, hand-fingers-open",
            "waving hand sign, medium-dark skin tone, hand-fingers-open",
            "waving hand sign, dark skin tone, hand-fingers-open",
            "thumbs up sign, dark skin tone, hand-fingers-closed",
            "handshake, light skin tone, hands",
            "red apple, food-fruit",
            "test tube, science",
            "flag of japan, country-flag");

    /**
     * low ×3, lower, lowest. Pair counts: (l, o) 5, (o, w</w>) 3, (o, w) 2, (w, e) 2, the rest 1.
     * 1: (l, o) 5. Then (lo, w</w>) 3. Then (lo, w) 2 and (w, e) 2 tie: "lo" < "w" → (lo, w).
     * Then (low, e) 2. Then (lowe, r</w>), (lowe, s), (s, t</w>) all 1: "lowe" < "s", "r</w>" < "s" → (lowe, r</w>).
     * Then (lowe, s) before (s, t</w>), and last (lowes, t</w>); then no pair is left.
     */
    @Test
    void mergesTheMostFrequentPairFirstAndBreaksTiesBySymbols() {
        List<Merge> expected = List.of(new Merge("l", "o"), new Merge("lo", "w</w>"), new Merge("lo", "w"),
                new Merge("low", "e"), new Merge("lowe", "r</w>"), new Merge("lowe", "s"),
                new Merge("lowes", "t</w>"));
        BpeVocabulary all = new BpeTrainer(600).train(List.of("low low low lower lowest"));
        assertEquals(expected, all.merges());
        assertEquals(512 + 7 + 2, all.size()); // stopped early: no pair left
        BpeVocabulary four = new BpeTrainer(512 + 4 + 2).train(List.of("Low low LOW", "lower, lowest"));
        assertEquals(expected.subList(0, 4), four.merges());
        ClipTokenizer tokenizer = ClipTokenizer.of(all);
        assertEquals(List.of("lowest</w>"), tokenizer.bpe("lowest"));
        assertEquals(List.of("lowe", "s", "t</w>"), ClipTokenizer.of(new BpeTrainer(512 + 5 + 2)
                .train(List.of("low low low lower lowest"))).bpe("lowest"));
    }

    @Test
    void theVocabularyIsLaidOutAsClips() {
        BpeVocabulary v = new BpeTrainer(600).train(CAPTIONS);
        assertEquals(600, v.size());
        assertEquals(0, v.ids().get("!"));
        assertEquals(1, v.ids().get("\""));
        assertEquals(64, v.ids().get("a"));
        assertEquals(93, v.ids().get("~"));
        assertEquals(94, v.ids().get("¡"));
        assertEquals(106, v.ids().get("®"));
        assertEquals(188, v.ids().get("\u0100")); // byte 0
        assertEquals(220, v.ids().get("Ġ")); // the space byte
        assertEquals(255, v.ids().get("Ń")); // 0xAD, the last non-printable byte
        assertEquals(256, v.ids().get("!</w>"));
        assertEquals(320, v.ids().get("a</w>"));
        assertEquals(511, v.ids().get("Ń</w>"));
        for (int i = 0; i < v.merges().size(); i++) {
            assertEquals(512 + i, v.ids().get(v.merges().get(i).joined()), v.merges().get(i).toString());
        }
        assertEquals(512 + v.merges().size(), v.ids().get(ClipTokenizer.START_TOKEN));
        assertEquals(599, v.ids().get(ClipTokenizer.END_TOKEN));
        assertEquals(List.copyOf(TinyClipVocab.byteSymbols()),
                TinyClipVocab.byteSymbols().stream().filter(s -> v.ids().get(s) < 256).toList());
    }

    @Test
    void trainingIsDeterministicWhateverTheCorpusOrder() {
        BpeVocabulary first = new BpeTrainer(800).train(CAPTIONS);
        List<String> shuffled = new ArrayList<>(CAPTIONS);
        Collections.shuffle(shuffled, new Random(7));
        assertEquals(first, new BpeTrainer(800).train(CAPTIONS));
        assertEquals(first, new BpeTrainer(800).train(shuffled));
    }

    @Test
    void aTrainedVocabularyReloadsAndEncodesItsCorpusInFewerTokensThanBytes(@TempDir Path dir) throws IOException {
        BpeVocabulary v = new BpeTrainer(800).train(CAPTIONS);
        assertEquals(638, v.size()); // the 16 captions run out of pairs after 124 merges
        v.write(dir);
        assertEquals(BpeVocabulary.MERGES_HEADER, Files.readAllLines(dir.resolve("merges.txt")).get(0));
        ClipTokenizer tokenizer = ClipTokenizer.load(dir);
        assertEquals(v, BpeVocabulary.read(dir));
        long tokens = 0;
        long bytes = 0;
        for (String caption : CAPTIONS) {
            int[] ids = tokenizer.encode(caption);
            tokens += ids.length - 2;
            bytes += caption.getBytes(StandardCharsets.UTF_8).length;
            String spaced = String.join(" ", ClipText.preTokenize(ClipText.clean(caption)));
            assertEquals(spaced, tokenizer.decode(ids));
        }
        assertTrue(tokens * 3 < bytes, tokens + " tokens for " + bytes + " bytes");
        // a frequent word is one token; an unseen one still encodes, byte by byte if need be
        assertEquals(List.of("face</w>"), tokenizer.bpe("face"));
        assertEquals("zebra 😀", tokenizer.decode(tokenizer.encode("Zebra 😀")));
    }

    @Test
    void specialTokensInTheCorpusAreNotLearntAndSizesAreChecked() {
        assertEquals(new BpeTrainer(600).train(List.of("a cat")),
                new BpeTrainer(600).train(List.of("<|startoftext|>a cat<|endoftext|>")));
        assertThrows(RetouchException.class, () -> new BpeTrainer(513));
        assertThrows(RetouchException.class, () -> new BpeTrainer(BpeTrainer.MAX_VOCAB_SIZE + 1));
        assertEquals(514, new BpeTrainer(514).train(CAPTIONS).size());
        assertEquals(514, new BpeTrainer(600).train(List.of()).size());
    }
}
