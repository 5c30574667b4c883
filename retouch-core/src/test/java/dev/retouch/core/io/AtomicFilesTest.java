package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplacesWithoutLeavingTemporaryFiles() throws IOException {
        Path target = dir.resolve("a.txt");
        AtomicFiles.writeString(target, "first é");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals(List.of("a.txt"), files());
    }

    @Test
    void failedWriteKeepsTheOldTargetAndDeletesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("model.bin");
        AtomicFiles.writeString(target, "old");
        RetouchException e = assertThrows(RetouchException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains("model.bin") && e.getMessage().contains("disk full"), e.getMessage());
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw bug;
        })));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("model.bin"), files());
    }

    @Test
    void writerMayCloseTheStream() throws IOException {
        Path target = dir.resolve("w.txt");
        AtomicFiles.write(target, out -> {
            try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                w.write("closed by the writer");
            }
        });
        assertEquals("closed by the writer", Files.readString(target));
    }

    @Test
    void missingOutputDirectoryIsNamed() {
        Path target = dir.resolve("missing/sub/out.json");
        RetouchException e = assertThrows(RetouchException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains("output directory " + dir.resolve("missing/sub") + " does not exist"),
                e.getMessage());
    }

    @Test
    void targetThatIsADirectoryIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("d"));
        RetouchException e = assertThrows(RetouchException.class,
                () -> AtomicFiles.writeString(dir.resolve("d"), "x"));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertEquals(List.of("d"), files());
    }
}
