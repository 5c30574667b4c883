package dev.retouch.core.io;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** The libtorch side of safetensors: raw little-endian bytes in and out of CPU tensors. */
final class TensorBytes {
    /** Tensors are written in chunks of this many bytes (no ByteBuffer over 2 GB). */
    static final int CHUNK = 1 << 26;

    private TensorBytes() {
    }

    /** safetensors data is little-endian and copied as raw bytes, so the machine must be little-endian too. */
    static void checkLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new RetouchException("safetensors data is little-endian; this machine is "
                    + ByteOrder.nativeOrder() + ", which is not supported");
        }
    }

    /** An uninitialised contiguous CPU tensor with the dtype and shape of {@code info}. */
    static Tensor empty(TensorInfo info) {
        try (TensorOptions options = new TensorOptions(info.dtype().scalarType());
             MemoryFormatOptional format = new MemoryFormatOptional()) {
            Tensor t = torch.empty(info.shape(), options, format);
            if (t.nbytes() != info.byteLength()) {
                throw new IllegalStateException("libtorch allocated " + t.nbytes() + " bytes for " + info);
            }
            return t;
        }
    }

    /** A view of {@code length} bytes at {@code offset} of {@code t}'s data, as a direct ByteBuffer. */
    static ByteBuffer view(Tensor t, long offset, int length) {
        // Offset the address itself: JavaCPP's buffers start at the address, so a position past 2 GB would not fit.
        BytePointer p = new BytePointer(t.data_ptr()).getPointer(offset);
        ByteBuffer b = p.capacity(length).asByteBuffer();
        if (b.remaining() != length) {
            throw new IllegalStateException("view of " + length + " bytes at " + offset + " has " + b.remaining());
        }
        return b;
    }

    /** The dtype {@code t} is stored as, or a clear error naming {@code name}. */
    static DType dtypeOf(String name, Tensor t) {
        if (t == null || !t.defined()) {
            throw new RetouchException("cannot save tensor '" + name + "': it is null or undefined");
        }
        if (t.is_sparse() || t.is_quantized()) {
            throw new RetouchException("cannot save tensor '" + name + "': expected a dense tensor, found a "
                    + (t.is_sparse() ? "sparse" : "quantized") + " one");
        }
        try {
            return DType.of(t.scalar_type());
        } catch (RetouchException e) {
            throw new RetouchException("cannot save tensor '" + name + "': " + e.getMessage());
        }
    }

    static long[] shapeOf(Tensor t) {
        return t.sizes().vec().get();
    }

    /** Writes the bytes of {@code t} (copied to a contiguous CPU tensor if needed) to {@code out}. */
    static void write(String name, Tensor t, long expectedBytes, WritableByteChannel out) throws IOException {
        try (Tensor detached = t.detach();
             Tensor cpu = detached.cpu();
             Tensor resolved = cpu.resolve_conj();
             Tensor c = resolved.contiguous()) {
            long n = c.nbytes();
            if (n != expectedBytes) {
                throw new RetouchException("tensor '" + name + "' changed while being saved: expected "
                        + expectedBytes + " bytes, found " + n);
            }
            for (long offset = 0; offset < n; offset += CHUNK) {
                ByteBuffer chunk = view(c, offset, (int) Math.min(CHUNK, n - offset));
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        }
    }
}
