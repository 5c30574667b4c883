package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.CacheDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the emoji archive lives on disk, and how it gets there.
 *
 * <p>The directory is, in order of precedence: the system property {@code retouch.cache}, the environment
 * variable {@code RETOUCH_CACHE}, else {@code ~/.cache/retouch}. The archive is
 * {@code <directory>/emoji-datasource-google-16.0.0.tgz}. {@link #ensure()} fetches it when missing by running
 * the npm client ({@code npm pack emoji-datasource-google@16.0.0}) into a staging folder next to it, then
 * renames it into place atomically, so a crash never leaves a half-written archive under the final name.
 * {@code scripts/fetch-emoji.sh} does the same from the shell.
 */
public final class EmojiCache {
    /** The npm package and version, as given to {@code npm pack}. */
    public static final String PACKAGE_SPEC = "emoji-datasource-google@16.0.0";
    /** The file name {@code npm pack} writes. */
    public static final String FILE_NAME = "emoji-datasource-google-16.0.0.tgz";
    /** System property naming the cache directory. */
    public static final String CACHE_PROPERTY = CacheDirectory.PROPERTY;
    /** Environment variable naming the cache directory. */
    public static final String CACHE_ENV = CacheDirectory.ENV;

    private static final long NPM_TIMEOUT_MINUTES = 15;

    private final Path directory;
    private final String npmCommand;

    /** A cache in the given directory, fetching with {@code npm} from the {@code PATH}. */
    public EmojiCache(Path directory) {
        this(directory, "npm");
    }

    /** For tests: fetch with another executable that takes npm's arguments. */
    EmojiCache(Path directory, String npmCommand) {
        this.directory = directory.toAbsolutePath().normalize();
        this.npmCommand = npmCommand;
    }

    /** The cache named by {@code retouch.cache}, else {@code RETOUCH_CACHE}, else {@code ~/.cache/retouch}. */
    public static EmojiCache fromEnvironment() {
        return new EmojiCache(CacheDirectory.fromEnvironment());
    }

    /** The cache directory. */
    public Path directory() {
        return directory;
    }

    /** Where the archive is (or will be once fetched). */
    public Path path() {
        return directory.resolve(FILE_NAME);
    }

    /** True when the archive is present (a non-empty regular file); its contents are checked when read. */
    public boolean isPresent() {
        try {
            return Files.isRegularFile(path()) && Files.size(path()) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Returns {@link #path()}, fetching the archive with {@code npm pack} first if it is not present. */
    public Path ensure() {
        if (isPresent()) {
            return path();
        }
        Path staging;
        try {
            Files.createDirectories(directory);
            staging = Files.createTempDirectory(directory, ".npm-pack-");
        } catch (IOException e) {
            throw new RetouchException("cannot create the emoji cache directory " + directory + ": " + e, e);
        }
        try {
            Path packed = runNpmPack(staging);
            Files.move(packed, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return path();
        } catch (IOException e) {
            throw new RetouchException("cannot move the fetched emoji archive into " + path() + ": " + e, e);
        } finally {
            dev.retouch.core.io.AtomicFiles.deleteTreeQuietly(staging); // a leftover staging folder is never read
        }
    }

    private Path runNpmPack(Path staging) throws IOException {
        List<String> command = List.of(npmCommand, "pack", PACKAGE_SPEC, "--pack-destination", staging.toString(),
                "--loglevel=warn");
        Path log = staging.resolve("npm.log");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new RetouchException("cannot fetch " + PACKAGE_SPEC + ": could not run '" + npmCommand
                    + "' (" + e.getMessage() + "). Install Node.js (it provides npm), run scripts/fetch-emoji.sh, "
                    + "or place " + FILE_NAME + " in " + directory, e);
        }
        int exit = waitFor(process);
        Path packed = staging.resolve(FILE_NAME);
        if (exit != 0) {
            throw new RetouchException("'" + String.join(" ", command) + "' failed with exit code " + exit
                    + "; its output ends with:\n" + tail(log));
        }
        if (!Files.isRegularFile(packed) || Files.size(packed) == 0) {
            throw new RetouchException("'" + String.join(" ", command) + "' succeeded but did not produce a "
                    + "non-empty " + FILE_NAME + " in " + staging + "; its output ends with:\n" + tail(log));
        }
        return packed;
    }

    private static int waitFor(Process process) {
        try {
            if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new RetouchException("npm pack " + PACKAGE_SPEC + " did not finish within "
                        + NPM_TIMEOUT_MINUTES + " minutes");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RetouchException("interrupted while fetching " + PACKAGE_SPEC, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
