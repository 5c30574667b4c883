package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading and writing vocab.json + merges.txt, and the errors bad files give. */
class BpeVocabularyTest {

    @Test
    void readsTheTinyVocabularyAndWritesItBackUnchanged(@TempDir Path dir) throws IOException {
        BpeVocabulary v = BpeVocabulary.read(TinyClipVocab.write(dir));
        assertEquals(524, v.size());
        assertEquals(10, v.merges().size());
        assertEquals(new Merge("i", "t</w>"), v.merges().get(0));
        assertEquals(515, v.ids().get("cat</w>"));
        Path out = Files.createDirectory(dir.resolve("b"));
        v.write(out);
        assertEquals(v, BpeVocabulary.read(out));
        assertEquals(TinyClipVocab.MERGES, Files.readString(out.resolve("merges.txt")));
        // ordered by id, as CLIP's own vocab.json
        assertTrue(Files.readString(out.resolve("vocab.json")).startsWith("{\n  \"!\": 0,\n  \"\\\"\": 1,\n"));
    }

    @Test
    void badFilesAreNamedWithTheProblem(@TempDir Path dir) throws IOException {
        TinyClipVocab.write(dir);
        assertMessage(dir, "merges.txt", "#version: 0.2\ni t</w>\nc  a\n", "merges.txt line 3", "two symbols");
        assertMessage(dir, "merges.txt", "i t</w>\n", "merges.txt line 1", "#version");
        assertMessage(dir, "merges.txt", "#version: 0.2\nc a\nx y\n", "merge 2", "'xy'");
        TinyClipVocab.write(dir);
        assertMessage(dir, "vocab.json", "[1, 2]", "vocab.json", "JSON object");
        assertMessage(dir, "vocab.json", "{\"a\": \"1\"}", "vocab.json", "'a' must be an integer");
        assertMessage(dir, "vocab.json", "{\"a\": 1, \"b\": 1}", "vocab.json", "id 1");
        assertMessage(dir, "vocab.json", "{\"a\": 1, \"a\": 2}", "vocab.json", "not valid JSON");
        assertMessage(dir, "vocab.json", "{\"<|startoftext|>\": 0}", dir.toString(), "<|endoftext|>");
        Files.delete(dir.resolve("vocab.json"));
        RetouchException e = assertThrows(RetouchException.class, () -> ClipTokenizer.load(dir));
        assertTrue(e.getMessage().startsWith("missing " + dir.resolve("vocab.json")), e.getMessage());
    }

    @Test
    void idsMustBeDistinctAndNonNegative() {
        assertThrows(IllegalArgumentException.class, () -> new BpeVocabulary(Map.of("a", -1), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new BpeVocabulary(Map.of("a", 0, "b", 0), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Merge("a b", "c"));
    }

    private static void assertMessage(Path dir, String file, String content, String... parts) throws IOException {
        Files.writeString(dir.resolve(file), content);
        RetouchException e = assertThrows(RetouchException.class, () -> ClipTokenizer.load(dir));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }
}
