package dev.retouch.eval.report;

import dev.retouch.core.RetouchException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every benchmark does with its report directory. */
public final class Reports {
    private Reports() {
    }

    /** Creates the report directory and its parents, or fails with one message naming it. */
    public static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RetouchException("cannot create the report directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
