package dev.retouch.edit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Placement;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.diffusion.diffusers.DiffusersPipeline;
import dev.retouch.diffusion.diffusers.SingleFileCheckpoint;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.rectifier.Rectifier;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.sine.SineModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Model names → model directories → loaded models, each loaded once and shared.
 *
 * <p>A name is looked up, in order: as a path to a directory (absolute, or relative to the working directory),
 * then as a sub-directory of each root (a user directory first, the shipped {@code models/} last); effects also
 * under each root's {@code effects/}. A loaded model is in eval mode and never changed afterwards, so editors on
 * many threads share it. Two threads asking for the same model at once load it once.
 */
public final class ModelStore {
    /** The system property and the environment variable naming the Retouch home (its {@code models/} is shipped). */
    public static final String HOME_PROPERTY = "retouch.home";
    public static final String HOME_ENV = "RETOUCH_HOME";

    private final List<Path> roots;
    private final Placement placement;
    private final ConcurrentHashMap<Key, Loaded> loaded = new ConcurrentHashMap<>();

    private record Key(Class<?> type, Path dir) {
    }

    private record Loaded(String stamp, CompletableFuture<Object> model) {
    }

    /** A loadable model of the store: its name, what it is, where it lives. */
    public record Entry(String name, String kind, Path dir) {
    }

    private ModelStore(List<Path> roots, Placement placement) {
        this.roots = List.copyOf(roots);
        this.placement = placement;
    }

    /** A store over these model roots, searched in order. */
    public static ModelStore of(Path... roots) {
        List<Path> rs = new ArrayList<>();
        for (Path r : roots) {
            rs.add(r.toAbsolutePath().normalize());
        }
        return new ModelStore(rs, Placement.CPU);
    }

    /**
     * A store over the same roots whose text-to-image models, SINE's fine-tuned UNets and portrait models load onto
     * {@code target}, e.g. {@code Placement.resolve("cuda", "auto")}; it loads its own copies. Pixel models,
     * classifiers and effects stay on the CPU.
     */
    public ModelStore placedOn(Placement target) {
        return target.equals(placement) ? this : new ModelStore(roots, target);
    }

    /** Where this store places the models it loads ({@link Placement#CPU} unless {@link #placedOn} said otherwise). */
    public Placement placement() {
        return placement;
    }

    /**
     * The shipped models of the Retouch home: {@code -Dretouch.home}, else {@code $RETOUCH_HOME}, else the working
     * directory; its {@code models/} must exist.
     *
     * @throws RetouchException naming the home when it has no {@code models/} directory
     */
    public static ModelStore fromEnvironment() {
        String prop = System.getProperty(HOME_PROPERTY);
        String env = System.getenv(HOME_ENV);
        Path home = Path.of(prop != null ? prop : env != null ? env : "").toAbsolutePath().normalize();
        Path models = home.resolve("models");
        if (!Files.isDirectory(models)) {
            throw new RetouchException("no models directory at " + models + ": set -D" + HOME_PROPERTY + " or "
                    + HOME_ENV + " to the Retouch checkout (the directory holding models/)");
        }
        return of(models);
    }

    /** The roots, in search order. */
    public List<Path> roots() {
        return roots;
    }

    /** The directory of a model, by path or by name (see the class comment). */
    public Path resolve(String nameOrPath) {
        return find(nameOrPath, "", "model");
    }

    /** The directory of an effect: a path, or a name under a root's {@code effects/}. */
    public Path resolveEffect(String nameOrPath) {
        return find(nameOrPath, "effects", "effect");
    }

    /** The directory of a model when {@link #resolve} finds one; empty otherwise. */
    public java.util.Optional<Path> lookup(String nameOrPath) {
        try {
            return java.util.Optional.of(resolve(nameOrPath));
        } catch (RetouchException e) {
            return java.util.Optional.empty();
        }
    }

    /** The directory of an effect when {@link #resolveEffect} finds one; empty otherwise. */
    public java.util.Optional<Path> lookupEffect(String nameOrPath) {
        try {
            return java.util.Optional.of(resolveEffect(nameOrPath));
        } catch (RetouchException e) {
            return java.util.Optional.empty();
        }
    }

    private Path find(String nameOrPath, String sub, String what) {
        Objects.requireNonNull(nameOrPath, what + " name");
        if (nameOrPath.isBlank()) {
            throw new RetouchException("empty " + what + " name");
        }
        Path asPath = Path.of(nameOrPath);
        if (Files.isDirectory(asPath)) {
            return asPath.toAbsolutePath().normalize();
        }
        boolean pathLike = nameOrPath.contains("/") || nameOrPath.contains("\\") || nameOrPath.startsWith(".");
        for (Path root : pathLike ? List.<Path>of() : roots) {
            Path dir = root.resolve(sub).resolve(nameOrPath);
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        if (sub.isEmpty() && SingleFileCheckpoint.isSingleFile(asPath)) {
            return asPath.toAbsolutePath().normalize(); // a Stable Diffusion 1.x single-file checkpoint
        }
        if (Files.exists(asPath)) {
            throw new RetouchException(what + " " + nameOrPath + " is a file; expected a model directory"
                    + (nameOrPath.endsWith(".safetensors") ? " (or a Stable Diffusion 1.x single-file checkpoint, "
                    + "which this is not: it has no model.diffusion_model.* tensors)" : ""));
        }
        List<String> where = roots.stream().map(r -> r.resolve(sub).toString()).toList();
        throw new RetouchException(what + " '" + nameOrPath + "' not found: not a directory, and not a "
                + what + " in " + (where.size() == 1 ? where.get(0) : where));
    }

    /** A pixel-space diffusion model (e.g. {@code emoji-ddpm-32}). */
    public PixelDiffusionModel pixel(String nameOrPath) {
        return load(resolve(nameOrPath), PixelDiffusionModel.class, dir -> {
            PixelDiffusionModel m = PixelDiffusionModel.load(dir);
            m.unet().eval();
            return m;
        });
    }

    /** A text-to-image latent diffusion model with its autoencoder and text encoder (e.g. {@code emoji-ldm}). */
    public LatentDiffusion latent(String nameOrPath) {
        return load(resolve(nameOrPath), LatentDiffusion.class, dir -> LatentDiffusion.load(dir).placeOn(placement));
    }

    /** Pixelguide's pixel classifiers (e.g. {@code pixelguide-emoji}). */
    public PixelClassifiers classifiers(String nameOrPath) {
        return load(resolve(nameOrPath), PixelClassifiers.class, PixelClassifiers::load);
    }

    /** A learned fewshot effect (e.g. {@code skin-tone-5}). */
    public Effect effect(String nameOrPath) {
        return load(resolveEffect(nameOrPath), Effect.class, Effect::load);
    }

    /**
     * A rectifier attribute edit (paper 002; e.g. {@code rectifier-crying}, under {@code effects/}) on its base
     * pixel model, which is shared with {@link #pixel}.
     */
    public RectifierEdit rectifierEdit(String nameOrPath) {
        Path dir = resolveEffect(nameOrPath);
        return load(dir, RectifierEdit.class, d -> {
            Path baseDir = Rectifier.baseDir(d, Rectifier.load(d).config(), this::resolve);
            return RectifierEdit.of(pixel(baseDir.toString()), baseDir, d, this::resolve);
        });
    }

    /**
     * A portrait model (paper 003; e.g. {@code portrait-man-woman}) on its base model, shared with {@link #latent},
     * both on this store's placement.
     */
    public dev.retouch.edit.portrait.PortraitModel portrait(String nameOrPath) {
        return load(resolve(nameOrPath), dev.retouch.edit.portrait.PortraitModel.class,
                // on the store's placement, sharing the store's (placed) base model
                d -> dev.retouch.edit.portrait.PortraitModel.load(d, base -> latent(base.toString()))
                        .placeOn(placement));
    }

    /** A SINE fine-tuned model (e.g. {@code sine-demo}). */
    public SineModel sine(String nameOrPath) {
        return sineAt(resolve(nameOrPath));
    }

    /** The SINE model in {@code dir} (its loader names what is wrong with the directory). */
    public SineModel sineAt(Path dir) {
        return load(dir, SineModel.class, d -> SineModel.load(d).placeOn(placement));
    }

    /** The pretrained model a SINE model was tuned from (shared with {@link #latent} by directory). */
    public LatentDiffusion sineBase(String nameOrPath) {
        return sineBaseAt(resolve(nameOrPath));
    }

    /** The pretrained base of the SINE model in {@code dir}. */
    public LatentDiffusion sineBaseAt(Path dir) {
        SineModel tuned = sineAt(dir);
        LatentDiffusion base = load(tuned.config().baseDir(dir), LatentDiffusion.class,
                d -> tuned.loadBase(dir).placeOn(placement));
        tuned.checkBase(base, dir.toString());
        return base;
    }

    /**
     * Any model type, loaded once per (type, directory) by {@code loader} (for loaders above this layer, e.g. the
     * evaluation-only judge). The loader must return a model that nobody changes afterwards.
     */
    public <T> T load(Path dir, Class<T> type, Function<Path, T> loader) {
        Key key = new Key(type, canonical(dir));
        String stamp = stamp(key.dir());
        while (true) {
            Loaded mine = new Loaded(stamp, new CompletableFuture<>());
            Loaded held = loaded.compute(key, (k, old) -> old == null || !old.stamp().equals(stamp) ? mine : old);
            if (held == mine) {
                try {
                    mine.model().complete(loader.apply(key.dir()));
                } catch (RuntimeException | Error e) {
                    loaded.remove(key, mine); // a failed load is tried again by the next caller
                    mine.model().completeExceptionally(e);
                }
            }
            try {
                return type.cast(held.model().join());
            } catch (CompletionException e) {
                if (held != mine) {
                    continue; // another caller's load failed: try once more ourselves
                }
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }

    /**
     * The files' sizes and modification times: a model directory written again (e.g. trained further into the same
     * directory) is loaded again rather than served stale.
     */
    private static String stamp(Path dir) {
        StringBuilder b = new StringBuilder();
        List<Path> files = Files.isRegularFile(dir) ? List.of(dir) : List.of(dir.resolve(ModelDirectory.CONFIG),
                dir.resolve(ModelDirectory.WEIGHTS), dir.resolve(DiffusersPipeline.INDEX));
        for (Path p : files) {
            try {
                b.append(Files.size(p)).append('@').append(Files.getLastModifiedTime(p).toMillis()).append(';');
            } catch (IOException e) {
                b.append("-;");
            }
        }
        return b.toString();
    }

    private static Path canonical(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    /** Every model and effect under the roots (first root wins for a name), with its kind; sorted by name. */
    public List<Entry> list() {
        java.util.Map<String, Entry> out = new java.util.TreeMap<>();
        for (Path root : roots) {
            for (Path dir : children(root)) {
                String name = dir.getFileName().toString();
                if (!name.equals("effects")) {
                    out.putIfAbsent(name, new Entry(name, kind(dir), dir));
                }
            }
            for (Path dir : children(root.resolve("effects"))) {
                String name = dir.getFileName().toString();
                out.putIfAbsent("effects/" + name, new Entry(name, RectifierEdit.isEdit(dir) ? "rectifier-edit"
                        : "effect", dir));
            }
        }
        return List.copyOf(out.values());
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve(ModelDirectory.CONFIG))
                            || DiffusersPipeline.isPipeline(d))
                    .sorted().toList();
        } catch (IOException e) {
            throw new RetouchException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether the model {@code nameOrPath} is a text-to-image latent diffusion model (else a pixel model, say). */
    public boolean isLatent(String nameOrPath) {
        return "latent-diffusion".equals(kind(resolve(nameOrPath)));
    }

    /** What a model directory holds, from its config: its {@code type}, else the shape of the config. */
    public static String kind(Path dir) {
        if (DiffusersPipeline.isPipeline(dir) || SingleFileCheckpoint.isSingleFile(dir)) {
            return "latent-diffusion"; // a Stable Diffusion pipeline in diffusers' layout, or a single-file one
        }
        JsonNode c = ModelDirectory.open(dir).configTree();
        String type = c.path("type").asText("");
        return switch (type) {
            case "ddpm-unet2d" -> "pixel-diffusion";
            case "latent-diffusion" -> "latent-diffusion";
            case "pixelguide-classifiers" -> "pixelguide-classifiers";
            case "sine" -> "sine";
            case "rectifier" -> "rectifier";
            case "portrait" -> "portrait";
            default -> c.has("latentChannels") && c.has("blockOutChannels") ? "autoencoder"
                    : c.has("text") && c.has("vision") ? "clip"
                    : c.has("subcategories") && c.has("faceClasses") ? "judge" : "other";
        };
    }
}
