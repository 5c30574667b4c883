package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiArchiveTest {
    @TempDir
    Path dir;

    /** Writes a .tgz laid out like the npm package: the fixtures plus files the reader must skip. */
    private Path writeArchive(boolean withJson) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{}".getBytes());
        if (withJson) {
            files.put("package/emoji.json", Fixtures.resource("fixtures.json"));
        }
        for (String png : Fixtures.PNG_FILES) {
            files.put("package/img/google/64/" + png, Fixtures.resource(png));
        }
        files.put("package/img/google/sheets/64.png", Fixtures.resource("1f600.png"));
        files.put("package/img/google/64/notes.txt", new byte[] {1});
        Path tgz = dir.resolve("emoji.tgz");
        try (OutputStream out = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.putArchiveEntry(new TarArchiveEntry("package/img/google/64/"));
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        return tgz;
    }

    @Test
    void readsMetadataAndOnlyThe64PixelPngs() throws IOException {
        Path tgz = writeArchive(true);
        EmojiArchive archive = EmojiArchive.read(tgz);
        assertEquals(tgz, archive.source());
        assertEquals(Fixtures.entries(), archive.entries());
        assertEquals(Fixtures.PNG_FILES.stream().sorted().toList(), archive.pngs().keySet().stream().toList());
        assertArrayEquals(Fixtures.resource("1f44b-1f3ff.png"), archive.pngs().get("1f44b-1f3ff.png"));
        assertEquals(11, EmojiDataset.of(archive).images().size());
    }

    @Test
    void missingArchiveIsAnErrorNamingTheFile() {
        Path tgz = dir.resolve("absent.tgz");
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiArchive.read(tgz));
        assertEquals("emoji archive not found: " + tgz + " (expected the npm package emoji-datasource-google@16.0.0;"
                + " fetch it with scripts/fetch-emoji.sh)", e.getMessage());
    }

    @Test
    void nonGzipFileIsAnErrorNamingTheFile() throws IOException {
        Path tgz = Files.write(dir.resolve("junk.tgz"), "not an archive".getBytes());
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiArchive.read(tgz));
        assertTrue(e.getMessage().startsWith("cannot read emoji archive " + tgz + ": expected a gzip-compressed tar"
                + " of emoji-datasource-google@16.0.0, found a corrupt or truncated file"), e.getMessage());
    }

    @Test
    void truncatedArchiveIsAnErrorNamingTheFile() throws IOException {
        byte[] whole = Files.readAllBytes(writeArchive(true));
        Path tgz = Files.write(dir.resolve("truncated.tgz"), Arrays.copyOf(whole, whole.length / 2));
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiArchive.read(tgz));
        assertTrue(e.getMessage().startsWith("cannot read emoji archive " + tgz), e.getMessage());
    }

    @Test
    void archiveWithoutEmojiJsonIsAnError() throws IOException {
        Path tgz = writeArchive(false);
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiArchive.read(tgz));
        assertEquals("emoji archive " + tgz + " has no package/emoji.json: expected the npm package "
                + "emoji-datasource-google@16.0.0", e.getMessage());
    }
}
