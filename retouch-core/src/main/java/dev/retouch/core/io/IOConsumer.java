package dev.retouch.core.io;

import java.io.IOException;

/** A consumer that may throw {@link IOException}, e.g. the body that writes a file in {@link AtomicFiles}. */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T value) throws IOException;
}
