package dev.retouch.core.io;

import dev.retouch.core.RetouchException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length {@code N}, {@code N} bytes of UTF-8 JSON, then the tensors' raw little-endian bytes.
 *
 * <p>The reader is strict: it applies every check of the reference implementation (header length at most
 * 100,000,000 and inside the file, UTF-8 JSON object, string-to-string {@code __metadata__}, known dtypes,
 * non-negative shapes, offsets contiguous from 0 without gaps or overlaps and ending exactly at the end of the
 * file, shape × dtype size equal to each byte range, with checked arithmetic) and also rejects duplicate JSON
 * keys. Each failure is a {@link RetouchException} naming the file and the tensor.
 *
 * <p>The writer produces the same bytes as the reference writer: tensors sorted by dtype alignment descending
 * ({@link DType} order) then by name, compact JSON header with {@code __metadata__} first (omitted when empty),
 * padded with spaces to a multiple of 8 bytes. Files are written atomically through {@link AtomicFiles}.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /** Validates {@code file} and returns its header, without reading the tensor data. */
    public static SafetensorsHeader parse(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.header();
        }
    }

    /** Validates an in-memory safetensors file; {@code source} names it in error messages. */
    public static SafetensorsHeader parse(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw HeaderParser.fail(source, "file is " + bytes.length + " bytes; expected at least 8 (the header "
                    + "length)");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        HeaderParser.checkHeaderLength(source, n, bytes.length);
        return HeaderParser.parse(source, Arrays.copyOfRange(bytes, 8, 8 + (int) n), bytes.length);
    }

    /** The {@code __metadata__} of {@code file} (empty if it has none), in file order. */
    public static Map<String, String> readMetadata(Path file) {
        return parse(file).metadata();
    }

    /** Opens {@code file} for reading tensors one by one. */
    public static SafetensorsFile open(Path file) {
        return SafetensorsFile.open(file);
    }

    /** All tensors of {@code file}, in file order, as contiguous CPU tensors in their stored dtypes. */
    public static Map<String, Tensor> load(Path file) {
        return load(file, WindowedFile.DEFAULT_WINDOW);
    }

    static Map<String, Tensor> load(Path file, long windowSize) {
        try (SafetensorsFile f = SafetensorsFile.open(file, windowSize)) {
            return f.tensors();
        }
    }

    /**
     * Writes {@code tensors} (any device, layout or dtype that safetensors knows) and {@code metadata} (may be
     * null or empty) to {@code file}, atomically, in the reference writer's layout.
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        TensorBytes.checkLittleEndian();
        List<HeaderWriter.Planned> planned = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null) {
                throw new RetouchException("cannot save " + file + ": a tensor name is null");
            }
            DType dtype = TensorBytes.dtypeOf(name, e.getValue());
            planned.add(new HeaderWriter.Planned(name, dtype, TensorBytes.shapeOf(e.getValue())));
        }
        List<TensorInfo> layout = HeaderWriter.layout(planned);
        byte[] header = HeaderWriter.encode(metadata, layout);
        AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            out.flush();
            WritableByteChannel channel = Channels.newChannel(out);
            for (TensorInfo info : layout) {
                TensorBytes.write(info.name(), tensors.get(info.name()), info.byteLength(), channel);
            }
        });
    }
}
