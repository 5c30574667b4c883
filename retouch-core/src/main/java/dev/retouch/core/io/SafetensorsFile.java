package dev.retouch.core.io;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * An open safetensors file whose header has been validated; tensors are read on demand, through windows of the
 * file (see {@link WindowedFile}), so a caller can load a few tensors of a large checkpoint. Not thread-safe.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final WindowedFile file;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, WindowedFile file, SafetensorsHeader header) {
        this.path = path;
        this.file = file;
        this.header = header;
    }

    /** Opens {@code path} and validates its header; throws {@link RetouchException} if it is not valid. */
    public static SafetensorsFile open(Path path) {
        return open(path, WindowedFile.DEFAULT_WINDOW);
    }

    static SafetensorsFile open(Path path, long windowSize) {
        WindowedFile file;
        try {
            file = new WindowedFile(path, windowSize);
        } catch (NoSuchFileException e) {
            throw new RetouchException("safetensors file " + path + " does not exist");
        } catch (IOException e) {
            throw new RetouchException("cannot open safetensors file " + path + ": " + e, e);
        }
        try {
            return new SafetensorsFile(path, file, readHeader(path.toString(), file));
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    private static SafetensorsHeader readHeader(String source, WindowedFile file) {
        try {
            long size = file.size();
            if (size < 8) {
                throw HeaderParser.fail(source, "file is " + size + " bytes; expected at least 8 (the header "
                        + "length)");
            }
            long n = ByteBuffer.wrap(file.readBytes(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            HeaderParser.checkHeaderLength(source, n, size);
            return HeaderParser.parse(source, file.readBytes(8, (int) n), size);
        } catch (IOException e) {
            throw new RetouchException("cannot read safetensors file " + source + ": " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** The entry called {@code name}, or a clear error listing what the file has. */
    public TensorInfo info(String name) {
        return header.tensor(name).orElseThrow(() -> new RetouchException("safetensors file " + path
                + " has no tensor '" + name + "'; it has " + header.tensors().size() + " tensors"
                + (header.tensors().isEmpty() ? "" : ", e.g. '" + header.tensors().get(0).name() + "'")));
    }

    /** The raw little-endian bytes of tensor {@code name} (at most 2 GB; use {@link #tensor} beyond). */
    public byte[] bytes(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE - 8) {
            throw new RetouchException("tensor '" + name + "' in " + path + " is " + info.byteLength()
                    + " bytes, too large for a Java array; load it as a Tensor instead");
        }
        try {
            return file.readBytes(header.dataStart() + info.begin(), (int) info.byteLength());
        } catch (IOException e) {
            throw readFailure(name, e);
        }
    }

    /** Tensor {@code name} as a new contiguous CPU tensor in its stored dtype. */
    public Tensor tensor(String name) {
        return tensor(info(name));
    }

    /** All tensors, in file order (by data offset). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorInfo info : header.tensors()) {
            tensors.put(info.name(), tensor(info));
        }
        return tensors;
    }

    private Tensor tensor(TensorInfo info) {
        TensorBytes.checkLittleEndian();
        if (!info.dtype().hasScalarType()) {
            throw new RetouchException("cannot load tensor '" + info.name() + "' from " + path + ": dtype "
                    + info.dtype() + " has no libtorch equivalent");
        }
        Tensor t = TensorBytes.empty(info);
        try {
            file.forEachWindow(header.dataStart() + info.begin(), info.byteLength(),
                    (offset, window) -> TensorBytes.view(t, offset, window.remaining()).put(window));
        } catch (IOException e) {
            t.close();
            throw readFailure(info.name(), e);
        }
        return t;
    }

    private RetouchException readFailure(String name, IOException e) {
        return new RetouchException("cannot read tensor '" + name + "' from " + path + ": " + e, e);
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(WindowedFile file) {
        try {
            file.close();
        } catch (IOException e) {
            // The validation error matters more.
        }
    }
}
