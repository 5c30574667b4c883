package dev.retouch.core.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.retouch.core.RetouchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The torch-free half of the safetensors writer: the data layout and the header bytes, both as the reference
 * writer ({@code prepare} in huggingface/safetensors {@code tensor.rs}) produces them.
 */
final class HeaderWriter {
    /** A tensor to be written: what the header needs, before offsets are assigned. */
    record Planned(String name, DType dtype, long[] shape) {
    }

    /** Reference order: by dtype descending (alignment), then by name (UTF-8 bytes, as Rust compares strings). */
    static final Comparator<Planned> ORDER = Comparator.comparing(Planned::dtype, Comparator.reverseOrder())
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8),
                    b.name().getBytes(StandardCharsets.UTF_8)));

    private HeaderWriter() {
    }

    /** Sorts {@code planned} in reference order and assigns contiguous offsets from 0. */
    static List<TensorInfo> layout(List<Planned> planned) {
        List<Planned> sorted = new ArrayList<>(planned);
        sorted.sort(ORDER);
        List<TensorInfo> tensors = new ArrayList<>(sorted.size());
        long offset = 0;
        for (Planned p : sorted) {
            if (p.name().equals(HeaderParser.METADATA_KEY)) {
                throw new RetouchException("cannot save a tensor named " + HeaderParser.METADATA_KEY
                        + ": the name is reserved for the file's metadata");
            }
            long numel = 1;
            for (long d : p.shape()) {
                numel = Math.multiplyExact(numel, d);
            }
            long bytes = Math.multiplyExact(numel, (long) p.dtype().bits()) / 8;
            tensors.add(new TensorInfo(p.name(), p.dtype(), p.shape(), offset, offset + bytes));
            offset = Math.addExact(offset, bytes);
        }
        return tensors;
    }

    /**
     * The header: compact JSON ({@code __metadata__} first when non-empty, then the tensors in layout order),
     * padded with spaces to a multiple of 8 bytes so that the data section starts 8-byte aligned.
     */
    static byte[] encode(Map<String, String> metadata, List<TensorInfo> tensors) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(json, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart(HeaderParser.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        throw new RetouchException("cannot save metadata entry " + e + ": expected non-null "
                                + "key and value");
                    }
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            for (TensorInfo t : tensors) {
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().name());
                g.writeFieldName("shape");
                g.writeArray(t.shape(), 0, t.rank());
                g.writeFieldName("data_offsets");
                g.writeArray(new long[] {t.begin(), t.end()}, 0, 2);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padding = (8 - json.size() % 8) % 8;
        for (int i = 0; i < padding; i++) {
            json.write(' ');
        }
        if (json.size() > HeaderParser.MAX_HEADER_LENGTH) {
            throw new RetouchException("cannot save: the safetensors header would be " + json.size()
                    + " bytes; expected at most " + HeaderParser.MAX_HEADER_LENGTH);
        }
        return json.toByteArray();
    }
}
