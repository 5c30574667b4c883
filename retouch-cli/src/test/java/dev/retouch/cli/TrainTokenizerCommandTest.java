package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.data.emoji.EmojiCache;
import dev.retouch.diffusion.text.ClipTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retouch train tokenizer}: on the real emoji archive when it is present; bad sizes always. */
class TrainTokenizerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void learnsAVocabularyFromTheTrainCaptions() throws Exception {
        EmojiCache cache = EmojiCache.fromEnvironment();
        Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
        Path out = tmp.resolve("tok");
        CliRun r = CliRun.run("train", "tokenizer", "--out", out.toString(), "--vocab-size", "600", "--json");
        assertEquals(0, r.code(), r::describe);
        JsonNode json = r.json();
        assertEquals(600, json.get("vocabSize").asInt());
        assertEquals(600 - 514, json.get("merges").asInt());
        assertTrue(json.get("train").get("captions").asInt() > 2000, json::toString);
        assertTrue(json.get("test").get("captions").asInt() > 200, json::toString);
        double mean = json.get("train").get("mean").asDouble();
        assertTrue(mean > 3 && mean <= json.get("train").get("max").asInt(), json::toString);
        assertTrue(Files.readString(out.resolve("merges.txt")).startsWith("#version: 0.2\n"));
        ClipTokenizer tokenizer = ClipTokenizer.load(out);
        assertEquals(600, tokenizer.vocabSize());
        assertEquals("grinning face , face - smiling",
                tokenizer.decode(tokenizer.encode("grinning face, face-smiling")));
    }

    @Test
    void aVocabularyTooSmallForTheByteTokensIsRefused() {
        CliRun r = CliRun.run("train", "tokenizer", "--out", tmp.resolve("tok").toString(), "--vocab-size", "512");
        assertEquals(1, r.code(), r::describe);
        assertTrue(r.err().contains("between 514"), r::describe);
        assertTrue(Files.notExists(tmp.resolve("tok")), r::describe);
    }
}
