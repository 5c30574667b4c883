package dev.retouch.data.pairs;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of before/after pairs: {@code DIR/before/NAME.png} and {@code DIR/after/NAME.png} (PNG or JPEG), the
 * two images of a pair sharing the file name stem NAME. Hidden files (a leading dot) are ignored; anything else
 * that is not a PNG or JPEG file is an error, so a misplaced file is never silently skipped.
 *
 * <p>{@link #read} validates the whole folder and fails with one message naming the first problem: a missing
 * folder, an unpaired name (listing every unpaired file), a corrupt image (named by the decoder), two images of a
 * pair that differ in size, or fewer pairs than the caller needs. Pairs come sorted by name.
 */
public final class PairFolder {
    public static final String BEFORE = "before";
    public static final String AFTER = "after";
    /** Images above this many pixels are refused before decoding. */
    public static final long MAX_PIXELS = 4096L * 4096L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private PairFolder() {
    }

    /**
     * Reads and validates the pairs in {@code dir}.
     *
     * @param minPairs the fewest pairs the caller can use (e.g. 2 for a few-shot effect)
     * @throws RetouchException naming the folder or file and the problem
     */
    public static List<ImagePair> read(Path dir, int minPairs) {
        requireDirectory(dir, "pair folder " + dir + " does not exist");
        Map<String, Path> before = images(dir, BEFORE);
        Map<String, Path> after = images(dir, AFTER);
        List<String> unpaired = new ArrayList<>();
        before.forEach((name, file) -> {
            if (!after.containsKey(name)) unpaired.add(BEFORE + "/" + file.getFileName() + " (no " + AFTER + "/" + name + ".*)");
        });
        after.forEach((name, file) -> {
            if (!before.containsKey(name)) unpaired.add(AFTER + "/" + file.getFileName() + " (no " + BEFORE + "/" + name + ".*)");
        });
        if (!unpaired.isEmpty()) {
            throw new RetouchException("pair folder " + dir + " has " + unpaired.size() + " unpaired image(s): "
                    + String.join(", ", unpaired) + "; every before/NAME needs an after/NAME and vice versa");
        }
        if (before.size() < minPairs) {
            throw new RetouchException("pair folder " + dir + " has " + before.size() + " pair(s); expected at least "
                    + minPairs);
        }
        List<ImagePair> pairs = new ArrayList<>();
        for (var e : before.entrySet()) {
            RgbImage b = Images.read(e.getValue(), MAX_PIXELS);
            Path afterFile = after.get(e.getKey());
            RgbImage a = Images.read(afterFile, MAX_PIXELS);
            if (b.width() != a.width() || b.height() != a.height()) {
                throw new RetouchException("pair '" + e.getKey() + "' in " + dir + ": " + e.getValue().getFileName()
                        + " (before) is " + b.width() + "x" + b.height() + " but " + afterFile.getFileName()
                        + " (after) is " + a.width() + "x" + a.height() + "; the two images of a pair must have the same size");
            }
            pairs.add(new ImagePair(e.getKey(), b, a));
        }
        return List.copyOf(pairs);
    }

    /**
     * Writes {@code pairs} as {@code dir/before/NAME.png} and {@code dir/after/NAME.png} (each atomically). The
     * folder may exist but must not already hold pairs, so two sets are never mixed.
     */
    public static void write(Path dir, List<ImagePair> pairs) {
        if (pairs.isEmpty()) {
            throw new RetouchException("no pairs to write to " + dir);
        }
        if (Files.isDirectory(dir.resolve(BEFORE)) || Files.isDirectory(dir.resolve(AFTER))) {
            throw new RetouchException(dir + " already holds a pair folder (" + BEFORE + "/ or " + AFTER
                    + "/); choose an empty or new directory");
        }
        long distinct = pairs.stream().map(ImagePair::name).distinct().count();
        if (distinct != pairs.size()) {
            throw new RetouchException("cannot write " + dir + ": pair names must be distinct");
        }
        try {
            Files.createDirectories(dir.resolve(BEFORE));
            Files.createDirectories(dir.resolve(AFTER));
        } catch (IOException e) {
            throw new RetouchException("cannot create pair folder " + dir + ": " + e.getMessage(), e);
        }
        for (ImagePair p : pairs) {
            Images.writePng(dir.resolve(BEFORE).resolve(p.name() + ".png"), p.before(), Map.of());
            Images.writePng(dir.resolve(AFTER).resolve(p.name() + ".png"), p.after(), Map.of());
        }
    }

    /** Writes the pair names, one per line as {@code NAME.png}, to {@code file} (atomically). */
    public static void writeNames(Path file, List<ImagePair> pairs) {
        StringBuilder sb = new StringBuilder();
        pairs.forEach(p -> sb.append(p.name()).append(".png\n"));
        AtomicFiles.writeString(file, sb.toString());
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RetouchException("bad pair name '" + name + "': expected 1-128 letters, digits, '.', '_', '+' "
                    + "or '-', not starting with a punctuation mark");
        }
    }

    /** The images of {@code dir/side}, by name stem (sorted). */
    private static Map<String, Path> images(Path dir, String side) {
        Path sub = dir.resolve(side);
        requireDirectory(sub, "pair folder " + dir + " has no " + side + "/ directory; expected " + BEFORE
                + "/NAME.png and " + AFTER + "/NAME.png");
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(sub)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (file.startsWith(".")) {
                    continue;
                }
                String stem = stem(file);
                if (stem == null || !Files.isRegularFile(f)) {
                    throw new RetouchException(f + ": unexpected entry in a pair folder; expected PNG or JPEG files "
                            + "named NAME.png, NAME.jpg or NAME.jpeg");
                }
                checkName(stem);
                Path previous = out.put(stem, f);
                if (previous != null) {
                    throw new RetouchException(side + "/" + previous.getFileName() + " and " + side + "/" + file
                            + " in " + dir + " share the name '" + stem + "'; keep one image per name");
                }
            }
        } catch (IOException e) {
            throw new RetouchException("cannot list " + sub + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String stem(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) {
            if (lower.endsWith(ext) && file.length() > ext.length()) {
                return file.substring(0, file.length() - ext.length());
            }
        }
        return null;
    }

    private static void requireDirectory(Path dir, String message) {
        if (!Files.isDirectory(dir)) {
            throw new RetouchException(Files.exists(dir) ? dir + " is a file; expected a directory" : message);
        }
    }
}
