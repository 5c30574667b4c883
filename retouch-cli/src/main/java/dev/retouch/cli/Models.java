package dev.retouch.cli;

import dev.retouch.edit.ModelStore;

import java.nio.file.Path;

/** Resolves {@code --model} values: a shipped model's name (a directory under {@code models/}) or a path. */
final class Models {
    private Models() {
    }

    /** The repository's {@code models/} directory: {@code -Dretouch.home}/models, else ./models. */
    static Path shippedRoot() {
        String home = System.getProperty("retouch.home");
        return (home != null ? Path.of(home) : Path.of("")).toAbsolutePath().resolve("models");
    }

    private static volatile ModelStore store;

    /** The store over the shipped models (names resolve there; paths to directories work anywhere). */
    static ModelStore store() {
        ModelStore s = store;
        if (s == null || !s.roots().get(0).equals(shippedRoot().normalize())) {
            s = ModelStore.of(shippedRoot());
            store = s;
        }
        return s;
    }

    /** An effect: a directory, or the name of a shipped effect under {@code models/effects/}. */
    static Path resolveEffect(String nameOrPath) {
        return store().resolveEffect(nameOrPath);
    }

    static Path resolve(String nameOrPath) {
        return store().resolve(nameOrPath);
    }
}
