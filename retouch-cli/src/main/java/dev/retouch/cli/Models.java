package dev.retouch.cli;

import dev.retouch.core.RetouchException;

import java.nio.file.Files;
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

    /** An effect: a directory, or the name of a shipped effect under {@code models/effects/}. */
    static Path resolveEffect(String nameOrPath) {
        Path asPath = Path.of(nameOrPath);
        if (Files.isDirectory(asPath)) {
            return asPath;
        }
        Path shipped = shippedRoot().resolve("effects").resolve(nameOrPath);
        if (!nameOrPath.contains("/") && Files.isDirectory(shipped)) {
            return shipped;
        }
        throw new RetouchException("effect '" + nameOrPath + "' not found: not a directory, and not a shipped effect in "
                + shippedRoot().resolve("effects"));
    }

    static Path resolve(String nameOrPath) {
        Path asPath = Path.of(nameOrPath);
        if (Files.isDirectory(asPath)) {
            return asPath;
        }
        Path shipped = shippedRoot().resolve(nameOrPath);
        if (!nameOrPath.contains("/") && Files.isDirectory(shipped)) {
            return shipped;
        }
        throw new RetouchException("model '" + nameOrPath + "' not found: not a directory, and not a shipped model in "
                + shippedRoot());
    }

    /** Whether the model directory holds a latent diffusion model (else a pixel model is expected). */
    static boolean isLatent(Path dir) {
        return "latent-diffusion".equals(dev.retouch.core.io.ModelDirectory.open(dir).configTree().path("type")
                .asText());
    }
}
