package dev.retouch.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a safetensors header the way the reference implementation does ({@code SafeTensors::read_metadata}
 * and {@code Metadata::validate} in huggingface/safetensors), with one message per failure. Unlike the reference,
 * duplicate JSON keys are rejected instead of silently keeping one of them.
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";
    static final long MAX_HEADER_LENGTH = 100_000_000L;

    private final String source;

    private HeaderParser(String source) {
        this.source = source;
    }

    /** Checks the 8-byte length prefix {@code n} against the file size, before the header is read. */
    static void checkHeaderLength(String source, long n, long fileSize) {
        if (n < 0 || n > MAX_HEADER_LENGTH) {
            throw fail(source, "header length is " + Long.toUnsignedString(n) + " bytes; expected at most "
                    + MAX_HEADER_LENGTH);
        }
        if (8 + n > fileSize) {
            throw fail(source, "header of " + n + " bytes extends past the end of the file; expected at most "
                    + (fileSize - 8) + " bytes (file size " + fileSize + ")");
        }
    }

    /** Parses and validates {@code headerBytes} (the {@code n} bytes after the length prefix). */
    static SafetensorsHeader parse(String source, byte[] headerBytes, long fileSize) {
        return new HeaderParser(source).parse(headerBytes, fileSize);
    }

    static RetouchException fail(String source, String problem) {
        return new RetouchException("invalid safetensors file " + source + ": " + problem);
    }

    private RetouchException fail(String problem) {
        return fail(source, problem);
    }

    private SafetensorsHeader parse(byte[] headerBytes, long fileSize) {
        JsonNode root = readJson(decodeUtf8(headerBytes));
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = metadata(field.getValue());
            } else {
                tensors.add(entry(field.getKey(), field.getValue()));
            }
        }
        // Files written by other tools may list tensors in any order: validate in offset order, as the reference.
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long dataLength = validateLayout(tensors);
        long expected = 8 + headerBytes.length + dataLength;
        if (expected != fileSize) {
            throw fail(fileSize < expected
                    ? "file is truncated: the tensors end at byte " + expected + " but the file has " + fileSize
                            + " bytes"
                    : "file has " + (fileSize - expected) + " unexpected bytes after the last tensor; expected "
                            + "the tensors to end at the end of the file (byte " + fileSize + "), found they end at "
                            + expected);
        }
        return new SafetensorsHeader(metadata, tensors, headerBytes.length);
    }

    private String decodeUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, out, true);
        if (result.isError()) {
            throw fail("header is not valid UTF-8: malformed byte 0x"
                    + String.format("%02X", bytes[in.position()] & 0xff) + " at header byte " + in.position());
        }
        return out.flip().toString();
    }

    private JsonNode readJson(String text) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String what = Json.withoutHints(e.getOriginalMessage());
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            if (what != null && what.startsWith("Duplicate field")) {
                throw fail("header has a duplicate key" + where + ": " + what
                        + "; each tensor name and each field must appear once");
            }
            throw fail("header is not valid JSON" + where + ": " + what);
        }
        if (root == null || root.isMissingNode()) {
            throw fail("header is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw fail("header is a JSON " + kind(root) + "; expected a JSON object");
        }
        return root;
    }

    private Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node.isNull()) {
            return metadata;
        }
        if (!node.isObject()) {
            throw fail(METADATA_KEY + " is a JSON " + kind(node) + "; expected an object of string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw fail(METADATA_KEY + " value for key '" + e.getKey() + "' is a JSON " + kind(e.getValue())
                        + " (" + e.getValue() + "); expected a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private TensorInfo entry(String name, JsonNode node) {
        if (!node.isObject()) {
            throw fail("tensor '" + name + "' is a JSON " + kind(node)
                    + "; expected an object with dtype, shape and data_offsets");
        }
        // Other fields are ignored, as the reference does.
        JsonNode dtypeNode = required(name, node, "dtype");
        if (!dtypeNode.isTextual()) {
            throw fail("tensor '" + name + "' has dtype " + dtypeNode + "; expected a string");
        }
        DType dtype = DType.fromName(dtypeNode.textValue()).orElseThrow(() -> fail("tensor '" + name
                + "' has unknown dtype '" + dtypeNode.textValue() + "'; expected one of " + DType.knownNames()));
        long[] shape = longs(name, "shape", required(name, node, "shape"), -1);
        long[] offsets = longs(name, "data_offsets", required(name, node, "data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw fail("tensor '" + name + "' has data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "]; expected begin <= end");
        }
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private JsonNode required(String name, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw fail("tensor '" + name + "' has no '" + field + "'; expected fields dtype, shape, data_offsets");
        }
        return value;
    }

    /** A JSON array of non-negative integers (of exactly {@code length} elements unless it is -1). */
    private long[] longs(String name, String field, JsonNode node, int length) {
        String expected = length < 0 ? "an array of non-negative integers"
                : "an array of " + length + " non-negative integers";
        if (!node.isArray() || (length >= 0 && node.size() != length)) {
            throw fail("tensor '" + name + "' has " + field + " " + node + "; expected " + expected);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber()) {
                throw fail("tensor '" + name + "' has " + field + " " + node + "; expected " + expected
                        + ", found " + v);
            }
            if (!v.canConvertToLong()) {
                throw fail("tensor '" + name + "' has " + field + " " + node + ": " + v
                        + " overflows 64-bit arithmetic");
            }
            values[i] = v.longValue();
            if (values[i] < 0) {
                throw fail("tensor '" + name + "' has negative " + field + " value " + values[i] + " in " + node
                        + "; expected " + expected);
            }
        }
        return values;
    }

    /** Checks offsets are contiguous from 0 and each range matches shape × dtype; returns the data length. */
    private long validateLayout(List<TensorInfo> sorted) {
        long start = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() != start) {
                throw fail(layoutProblem(t, previous, start));
            }
            start = t.end();
            long expected = byteSize(t);
            if (t.byteLength() != expected) {
                throw fail("tensor '" + t.name() + "' has dtype " + t.dtype() + " and shape "
                        + Arrays.toString(t.shape()) + ", which is " + expected + " bytes, but its data_offsets ["
                        + t.begin() + ", " + t.end() + "] span " + t.byteLength() + " bytes");
            }
            previous = t;
        }
        return start;
    }

    private static String layoutProblem(TensorInfo t, TensorInfo previous, long start) {
        String range = "data_offsets [" + t.begin() + ", " + t.end() + "]";
        if (previous == null) {
            return "tensor '" + t.name() + "' has " + range + "; expected the first tensor (by offset) to begin "
                    + "at 0, found a gap of " + t.begin() + " bytes before it";
        }
        String prev = "tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "]";
        if (t.begin() < start) {
            return "tensor '" + t.name() + "' has " + range + ", which overlaps " + prev
                    + "; expected it to begin at " + start;
        }
        return "tensor '" + t.name() + "' has " + range + ", which leaves a gap of " + (t.begin() - start)
                + " bytes after " + prev + "; expected it to begin at " + start;
    }

    /** shape × dtype size in bytes with checked arithmetic, as the reference. */
    private long byteSize(TensorInfo t) {
        long bits;
        try {
            bits = Math.multiplyExact(t.numel(), (long) t.dtype().bits());
        } catch (ArithmeticException e) {
            throw fail("tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + " of dtype "
                    + t.dtype() + ", whose size overflows 64-bit arithmetic");
        }
        if (bits % 8 != 0) {
            throw fail("tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + " of dtype "
                    + t.dtype() + ", which is " + bits + " bits; expected a whole number of bytes");
        }
        return bits / 8;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING, BINARY -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case MISSING -> "nothing";
        };
    }
}
