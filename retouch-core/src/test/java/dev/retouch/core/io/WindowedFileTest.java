package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window logic with tiny windows, so no test needs a 2 GB file. */
class WindowedFileTest {
    @TempDir
    Path dir;

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    @Test
    void rangesAreSplitIntoContiguousWindows() throws IOException {
        byte[] content = randomBytes(1000);
        Path file = StBytes.write(dir, "data.bin", content);
        try (WindowedFile f = new WindowedFile(file, 7)) {
            assertEquals(1000, f.size());
            List<Long> offsets = new ArrayList<>();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            f.forEachWindow(3, 500, (offset, window) -> {
                assertTrue(window.remaining() <= 7);
                assertEquals(seen.size(), offset);
                offsets.add(offset);
                byte[] b = new byte[window.remaining()];
                window.get(b);
                seen.write(b);
            });
            assertEquals(72, offsets.size()); // ceil(500 / 7)
            assertArrayEquals(Arrays.copyOfRange(content, 3, 503), seen.toByteArray());
            assertArrayEquals(Arrays.copyOfRange(content, 990, 1000), f.readBytes(990, 10));
            f.forEachWindow(1000, 0, (offset, window) -> {
                throw new AssertionError("no window for an empty range");
            });
            assertThrows(EOFException.class, () -> f.readBytes(995, 6));
            assertThrows(EOFException.class, () -> f.readBytes(-1, 2));
        }
    }

    @Test
    void windowSizeMustFitAByteBuffer() {
        assertThrows(IllegalArgumentException.class, () -> new WindowedFile(dir, 1L << 31));
        assertThrows(IllegalArgumentException.class, () -> new WindowedFile(dir, 0));
    }

    @Test
    void tinyWindowsReadHeaderAndTensorBytes() throws IOException {
        byte[] data = randomBytes(23);
        String header = "{\"__metadata__\":{\"a\":\"b\"},"
                + "\"x\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]},"
                + "\"y\":{\"dtype\":\"I16\",\"shape\":[2,5],\"data_offsets\":[3,23]}}";
        Path file = StBytes.write(dir, "w.safetensors", StBytes.file(header, data));
        for (long window : new long[] {1, 3, 5, 8, 1 << 20}) {
            try (SafetensorsFile f = SafetensorsFile.open(file, window)) {
                assertEquals(Map.of("a", "b"), f.header().metadata());
                assertArrayEquals(Arrays.copyOfRange(data, 0, 3), f.bytes("x"));
                assertArrayEquals(Arrays.copyOfRange(data, 3, 23), f.bytes("y"));
            }
        }
    }

    @Test
    void fileSystemsWithoutMappingFallBackToReads() throws IOException {
        byte[] data = randomBytes(20);
        String header = "{\"y\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[0,20]}}";
        Path zip = dir.resolve("model.zip");
        try (FileSystem zfs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Files.write(zfs.getPath("/w.safetensors"), StBytes.file(header, data));
        }
        try (FileSystem zfs = FileSystems.newFileSystem(zip)) {
            try (SafetensorsFile f = SafetensorsFile.open(zfs.getPath("/w.safetensors"), 6)) {
                assertArrayEquals(data, f.bytes("y"));
            }
        }
    }
}
