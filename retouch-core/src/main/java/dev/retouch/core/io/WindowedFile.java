package dev.retouch.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file seen through windows of at most {@code windowSize} bytes, so that files (and single tensors)
 * larger than 2 GB never need a ByteBuffer over {@link Integer#MAX_VALUE}. Windows are memory-mapped; on file
 * systems that cannot map (e.g. a zip file system) they are read into a heap buffer instead.
 */
final class WindowedFile implements AutoCloseable {
    /** 1 GiB: large enough to map a typical tensor in one go, small enough for any address space. */
    static final long DEFAULT_WINDOW = 1L << 30;

    /** Receives consecutive windows; {@code offset} is relative to the start of the requested range. */
    @FunctionalInterface
    interface WindowConsumer {
        void accept(long offset, ByteBuffer window) throws IOException;
    }

    private final FileChannel channel;
    private final long size;
    private final int windowSize;
    private boolean mappable = true;

    WindowedFile(Path path, long windowSize) throws IOException {
        if (windowSize <= 0 || windowSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("window size " + windowSize + " not in [1, 2^31 - 1]");
        }
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.windowSize = (int) windowSize;
        try {
            this.size = channel.size();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    long size() {
        return size;
    }

    /** Passes {@code [position, position + length)} to {@code consumer} in windows of at most the window size. */
    void forEachWindow(long position, long length, WindowConsumer consumer) throws IOException {
        if (position < 0 || length < 0 || position > size - length) {
            throw new EOFException("range [" + position + ", " + (position + length) + ") is outside the file of "
                    + size + " bytes");
        }
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(windowSize, length - done);
            ByteBuffer window = window(position + done, n);
            consumer.accept(done, window);
            done += n;
        }
    }

    /** The bytes {@code [position, position + length)} as an array. */
    byte[] readBytes(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        forEachWindow(position, length, (offset, window) -> window.get(bytes, (int) offset, window.remaining()));
        return bytes;
    }

    private ByteBuffer window(long position, int length) throws IOException {
        if (mappable) {
            try {
                return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
            } catch (UnsupportedOperationException e) {
                mappable = false;
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("file ended at byte " + (position + buffer.position()) + " while reading "
                        + length + " bytes at " + position);
            }
        }
        return buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
