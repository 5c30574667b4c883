package dev.retouch.core.io;

import dev.retouch.core.RetouchException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a crash never leaves a half-written one: the content goes to a temporary file in the
 * target's directory ({@code .<name>.<random>.tmp}), is flushed to disk, and is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}. On failure the temporary file is deleted and the target is untouched.
 */
public final class AtomicFiles {
    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically with the bytes {@code writer} puts into the stream it is given. */
    public static void write(Path target, IOConsumer<OutputStream> writer) {
        Path dir = parentOf(target);
        if (Files.isDirectory(target)) {
            throw new RetouchException("cannot write " + target + ": it is a directory; expected a file path");
        }
        Path temp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(
                ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
                writer.accept(new KeepOpen(out));
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new RetouchException("cannot write " + target + ": " + e, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** The directory {@code target} goes into; it must exist. */
    static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || target.getFileName() == null) {
            throw new RetouchException("cannot write " + target + ": expected a file path, found a root");
        }
        if (!Files.isDirectory(parent)) {
            throw new RetouchException("output directory " + parent + " does not exist (writing "
                    + target.getFileName() + ")");
        }
        return parent;
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); ignored elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported on this platform or file system: the rename itself is still atomic.
        }
    }

    /** Lets the writer close its stream (e.g. through a try-with-resources Writer) before the flush and sync. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Best effort: the caller's exception matters more than a stray temporary file.
        }
    }

    /** Deletes {@code dir} and everything below it (nothing when it does not exist); one error naming it otherwise. */
    public static void deleteTree(Path dir) {
        if (!java.nio.file.Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new dev.retouch.core.RetouchException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@link #deleteTree}, best effort: for leftovers that nothing reads (hidden staging directories). */
    public static void deleteTreeQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (dev.retouch.core.RetouchException ignored) {
            // a leftover staging directory is harmless: it is never read
        }
    }
}
