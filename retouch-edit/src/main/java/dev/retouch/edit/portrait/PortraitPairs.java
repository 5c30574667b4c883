package dev.retouch.edit.portrait;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A folder of generated portrait pairs: a pair folder ({@link PairFolder}: {@code before/NAME.png} the source
 * panel, {@code after/NAME.png} the target panel) with a manifest {@value #MANIFEST} naming the task and, for every
 * pair, its direction, target prompt, the captions it was generated from and the panels' identity similarity.
 */
public final class PortraitPairs {
    public static final String MANIFEST = "portrait-pairs.json";

    /** One kept pair. */
    public record Entry(String name, String direction, String target, String sourceCaption, String targetCaption,
                        double similarity) {
    }

    /**
     * The manifest.
     *
     * @param task          the task's name
     * @param generator     the two-panel model the pairs came from
     * @param settings      the generation settings
     * @param seed          the generation seed
     * @param minSimilarity the identity filter's threshold
     * @param generated     pairs generated (kept and dropped)
     * @param pairs         the kept pairs
     */
    public record Manifest(String task, String generator, PairGeneration.Settings settings, long seed,
                           double minSimilarity, int generated, List<Entry> pairs) {
        public Manifest {
            pairs = List.copyOf(pairs);
        }
    }

    /** A training example: the images and the manifest entry. */
    public record Example(ImagePair pair, Entry entry) {
    }

    private PortraitPairs() {
    }

    /**
     * Reads and validates a folder: the pair folder (matched names, equal sizes), the manifest, a known task, every
     * pair in the manifest and every manifest entry in the folder, every target one of the task's.
     */
    public static List<Example> read(Path dir, PortraitTask[] taskOut) {
        List<ImagePair> pairs = PairFolder.read(dir, 2);
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new RetouchException("pair folder " + dir + " has no " + MANIFEST + ": portrait pairs come from "
                    + "`retouch data portrait-pairs`, which writes the task and each pair's target prompt there");
        }
        Manifest m = Json.read(file, Manifest.class);
        PortraitTask task;
        try {
            task = PortraitTask.parse(m.task());
        } catch (RetouchException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : m.pairs()) {
            if (byName.put(e.name(), e) != null) {
                throw new RetouchException(file + ": pair '" + e.name() + "' is listed twice");
            }
            if (!task.targets().contains(e.target())) {
                throw new RetouchException(file + ": pair '" + e.name() + "' has target '" + e.target()
                        + "', which task " + task.name() + " does not have (" + String.join(", ", task.targets()) + ")");
            }
        }
        List<Example> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ImagePair p : pairs) {
            Entry e = byName.get(p.name());
            if (e == null) {
                throw new RetouchException(dir + ": pair '" + p.name() + "' is not in " + MANIFEST);
            }
            seen.add(p.name());
            out.add(new Example(p, e));
        }
        if (seen.size() != byName.size()) {
            List<String> missing = byName.keySet().stream().filter(n -> !seen.contains(n)).limit(5).toList();
            throw new RetouchException(file + " lists " + (byName.size() - seen.size()) + " pair(s) with no images "
                    + "in the folder, e.g. " + String.join(", ", missing));
        }
        if (taskOut != null) {
            taskOut[0] = task;
        }
        return out;
    }

    /** Writes the kept pairs and the manifest into a new folder {@code dir}. */
    public static void write(Path dir, List<ImagePair> pairs, Manifest manifest) {
        PairFolder.write(dir, pairs);
        Json.write(dir.resolve(MANIFEST), manifest);
    }
}
