package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's checks, one malformed file each; no libtorch needed. */
class SafetensorsHeaderTest {
    @TempDir
    Path dir;

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    /** Writes {@code bytes} to bad.safetensors and asserts the error names the file and every fragment. */
    private void assertInvalid(byte[] bytes, String... fragments) throws IOException {
        Path file = StBytes.write(dir, "bad.safetensors", bytes);
        RetouchException e = assertThrows(RetouchException.class, () -> Safetensors.parse(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void validHeaderIsSortedByOffsetWithMetadata() throws IOException {
        String header = "{" + entry("b", "I64", "[2]", 8, 24) + ",\"__metadata__\":{\"format\":\"pt\",\"k\":\"é\"},"
                + entry("a", "F32", "[2]", 0, 8) + "," + entry("s", "BF16", "[]", 24, 26) + "}";
        Path file = StBytes.write(dir, "ok.safetensors", StBytes.file(header, 26));
        SafetensorsHeader h = Safetensors.parse(file);
        assertEquals(List.of("a", "b", "s"), h.names());
        assertEquals(Map.of("format", "pt", "k", "é"), h.metadata());
        assertEquals(new TensorInfo("b", DType.I64, new long[] {2}, 8, 24), h.tensor("b").orElseThrow());
        assertArrayEquals(new long[0], h.tensor("s").orElseThrow().shape());
        assertEquals(8 + header.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, h.dataStart());
        assertEquals(26, h.dataLength());
        assertEquals(h, Safetensors.parse(StBytes.file(header, 26), "in memory"));
        assertEquals(h.metadata(), Safetensors.readMetadata(file));
    }

    @Test
    void emptyFileWithLeadingWhitespaceAndNullMetadataIsValid() {
        SafetensorsHeader h = Safetensors.parse(StBytes.file("  {\"__metadata__\":null}  ", 0), "x");
        assertTrue(h.tensors().isEmpty());
        assertTrue(h.metadata().isEmpty());
    }

    @Test
    void emptyTensorsMayShareAnOffset() {
        String header = "{" + entry("e1", "F32", "[0,3]", 0, 0) + "," + entry("x", "U8", "[3]", 0, 3) + ","
                + entry("e2", "I64", "[3,0]", 3, 3) + "}";
        assertEquals(List.of("e1", "x", "e2"), Safetensors.parse(StBytes.file(header, 3), "x").names());
    }

    @Test
    void subByteTypesMustFillWholeBytes() throws IOException {
        assertEquals(2, Safetensors.parse(StBytes.file("{" + entry("q", "F4", "[4]", 0, 2) + "}", 2), "x")
                .dataLength());
        assertInvalid(StBytes.file("{" + entry("q", "F4", "[3]", 0, 2) + "}", 2), "'q'", "12 bits",
                "whole number of bytes");
    }

    @Test
    void everyReferenceDtypeIsKnown() {
        for (String name : List.of("BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
                "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64")) {
            assertEquals(name, DType.fromName(name).orElseThrow().name());
        }
        assertEquals(8, DType.F64.byteSize());
        assertEquals(8, DType.C64.byteSize());
        assertEquals(1, DType.BOOL.byteSize());
        assertTrue(DType.fromName("f32").isEmpty());
    }

    @Test
    void fileShorterThanEightBytes() throws IOException {
        assertInvalid(new byte[5], "5 bytes", "at least 8");
    }

    @Test
    void headerLengthTooLarge() throws IOException {
        assertInvalid(StBytes.lengthPrefix(100_000_001L), "header length is 100000001", "at most 100000000");
        assertInvalid(StBytes.lengthPrefix(-1L), "header length is 18446744073709551615");
    }

    @Test
    void headerPastEndOfFile() throws IOException {
        byte[] bytes = StBytes.file("{}", 0);
        bytes[0] = 40;
        assertInvalid(bytes, "header of 40 bytes extends past the end of the file", "file size 10");
    }

    @Test
    void headerNotUtf8() throws IOException {
        assertInvalid(StBytes.file(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}, new byte[0]),
                "not valid UTF-8", "byte 0xFF at header byte 1");
    }

    @Test
    void headerNotJson() throws IOException {
        assertInvalid(StBytes.file("{\"a\": ", 0), "not valid JSON");
        assertInvalid(StBytes.file("{} {}", 0), "not valid JSON");
        assertInvalid(StBytes.file("", 0), "header is empty");
    }

    @Test
    void headerIsJsonArray() throws IOException {
        assertInvalid(StBytes.file("[1, 2]", 0), "JSON array", "expected a JSON object");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String e = entry("w", "U8", "[1]", 0, 1);
        assertInvalid(StBytes.file("{" + e + "," + e + "}", 1), "duplicate key", "'w'");
    }

    @Test
    void duplicateFieldInsideEntry() throws IOException {
        assertInvalid(StBytes.file("{\"w\":{\"dtype\":\"U8\",\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                1), "duplicate key", "'dtype'");
    }

    @Test
    void unknownDtype() throws IOException {
        assertInvalid(StBytes.file("{" + entry("w", "F128", "[1]", 0, 16) + "}", 16), "tensor 'w'",
                "unknown dtype 'F128'", "BF16");
        assertInvalid(StBytes.file("{\"w\":{\"dtype\":3,\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "'w'",
                "expected a string");
    }

    @Test
    void missingOrMalformedFields() throws IOException {
        assertInvalid(StBytes.file("{\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", 1), "'w'",
                "has no 'shape'");
        assertInvalid(StBytes.file("{\"w\":[1]}", 1), "tensor 'w' is a JSON array");
        assertInvalid(StBytes.file("{" + entry("w", "U8", "[2.5]", 0, 1) + "}", 1), "'w'", "found 2.5");
        assertInvalid(StBytes.file("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1]}}", 1), "'w'",
                "array of 2 non-negative integers");
        assertInvalid(StBytes.file("{" + entry("w", "U8", "[1]", 1, 0) + "}", 1), "'w'", "begin <= end");
    }

    @Test
    void metadataMustMapStringsToStrings() throws IOException {
        assertInvalid(StBytes.file("{\"__metadata__\":{\"steps\":3}}", 0), "__metadata__", "'steps'",
                "expected a string");
        assertInvalid(StBytes.file("{\"__metadata__\":[]}", 0), "__metadata__ is a JSON array");
    }

    @Test
    void negativeShape() throws IOException {
        assertInvalid(StBytes.file("{" + entry("w", "U8", "[2,-3]", 0, 6) + "}", 6), "tensor 'w'",
                "negative shape value -3");
    }

    @Test
    void firstTensorNotAtZero() throws IOException {
        assertInvalid(StBytes.file("{" + entry("w", "U8", "[2]", 2, 4) + "}", 4), "'w'", "begin at 0",
                "gap of 2 bytes");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String h = "{" + entry("a", "U8", "[2]", 0, 2) + "," + entry("b", "U8", "[2]", 3, 5) + "}";
        assertInvalid(StBytes.file(h, 5), "'b'", "gap of 1 bytes after tensor 'a'", "expected it to begin at 2");
    }

    @Test
    void overlappingTensors() throws IOException {
        String h = "{" + entry("a", "U8", "[4]", 0, 4) + "," + entry("b", "U8", "[4]", 2, 6) + "}";
        assertInvalid(StBytes.file(h, 6), "'b'", "overlaps tensor 'a' [0, 4]");
    }

    @Test
    void dataDoesNotEndAtEndOfFile() throws IOException {
        String h = "{" + entry("a", "U8", "[4]", 0, 4) + "}";
        assertInvalid(StBytes.file(h, 6), "2 unexpected bytes after the last tensor");
        assertInvalid(StBytes.file(h, 3), "truncated");
    }

    @Test
    void shapeTimesDtypeDoesNotMatchOffsets() throws IOException {
        assertInvalid(StBytes.file("{" + entry("w", "F32", "[2,2]", 0, 12) + "}", 12), "tensor 'w'",
                "F32 and shape [2, 2], which is 16 bytes", "span 12 bytes");
    }

    @Test
    void shapeProductOverflows() throws IOException {
        assertInvalid(StBytes.file("{" + entry("w", "F32", "[4611686018427387904,4]", 0, 0) + "}", 0),
                "tensor 'w'", "overflows 64-bit arithmetic");
        assertInvalid(StBytes.file("{" + entry("w", "F64", "[1152921504606846976]", 0, 0) + "}", 0),
                "tensor 'w'", "overflows 64-bit arithmetic");
        assertInvalid(StBytes.file("{" + entry("w", "U8", "[18446744073709551616]", 0, 0) + "}", 0),
                "tensor 'w'", "overflows 64-bit arithmetic");
    }
}
