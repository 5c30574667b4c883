package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.CacheDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiCacheTest {
    @TempDir
    Path dir;

    @Test
    void resolvesPropertyThenEnvironmentThenHome() {
        assertEquals(Path.of("/p"), CacheDirectory.resolve("/p", "/e", "/home/u"));
        assertEquals(Path.of("/e"), CacheDirectory.resolve(null, "/e", "/home/u"));
        assertEquals(Path.of("/e"), CacheDirectory.resolve(" ", "/e", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/retouch"), CacheDirectory.resolve(null, null, "/home/u"));
    }

    @Test
    void pathIsTheNpmPackFileInTheDirectory() {
        EmojiCache cache = new EmojiCache(dir);
        assertEquals(dir.resolve("emoji-datasource-google-16.0.0.tgz"), cache.path());
        assertFalse(cache.isPresent());
    }

    @Test
    void ensureDoesNotRunNpmWhenPresent() throws IOException {
        Files.write(dir.resolve(EmojiCache.FILE_NAME), new byte[] {1});
        EmojiCache cache = new EmojiCache(dir, dir.resolve("no-such-npm").toString());
        assertEquals(cache.path(), cache.ensure());
    }

    @Test
    void ensureFetchesWithNpmPackAndMovesIntoPlace() throws IOException {
        Path fakeNpm = script("fake-npm", """
                #!/bin/sh
                # args: pack <spec> --pack-destination <dir>
                [ "$1" = pack ] && [ "$2" = emoji-datasource-google@16.0.0 ] && [ "$3" = --pack-destination ] || exit 9
                printf 'tgz' > "$4/emoji-datasource-google-16.0.0.tgz"
                echo emoji-datasource-google-16.0.0.tgz
                """);
        Path cacheDir = dir.resolve("cache/nested");
        EmojiCache cache = new EmojiCache(cacheDir, fakeNpm.toString());
        assertEquals(cache.path(), cache.ensure());
        assertEquals("tgz", Files.readString(cache.path()));
        assertTrue(cache.isPresent());
        try (Stream<Path> left = Files.list(cacheDir)) {
            assertEquals(List.of(cache.path()), left.toList(), "the staging folder is removed");
        }
    }

    @Test
    void missingNpmIsAClearError() {
        EmojiCache cache = new EmojiCache(dir, dir.resolve("no-such-npm").toString());
        RetouchException e = assertThrows(RetouchException.class, cache::ensure);
        assertTrue(e.getMessage().startsWith("cannot fetch emoji-datasource-google@16.0.0: could not run '"
                + dir.resolve("no-such-npm") + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("Install Node.js"), e.getMessage());
        assertFalse(cache.isPresent());
    }

    @Test
    void failingNpmReportsExitCodeAndOutput() throws IOException {
        Path fakeNpm = script("failing-npm", """
                #!/bin/sh
                echo "npm error 404 Not Found" >&2
                exit 1
                """);
        EmojiCache cache = new EmojiCache(dir, fakeNpm.toString());
        RetouchException e = assertThrows(RetouchException.class, cache::ensure);
        assertTrue(e.getMessage().contains("failed with exit code 1"), e.getMessage());
        assertTrue(e.getMessage().endsWith("npm error 404 Not Found"), e.getMessage());
        assertFalse(cache.isPresent());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(fakeNpm), left.toList(), "no partial archive or staging folder is left");
        }
    }

    @Test
    void npmThatProducesNothingIsAnError() throws IOException {
        Path fakeNpm = script("silent-npm", "#!/bin/sh\nexit 0\n");
        EmojiCache cache = new EmojiCache(dir.resolve("c"), fakeNpm.toString());
        RetouchException e = assertThrows(RetouchException.class, cache::ensure);
        assertTrue(e.getMessage().contains("did not produce a non-empty emoji-datasource-google-16.0.0.tgz"),
                e.getMessage());
    }

    private Path script(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
