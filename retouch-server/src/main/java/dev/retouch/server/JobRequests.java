package dev.retouch.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.Retouch;
import dev.retouch.edit.baseline.DiffEditEditor;
import dev.retouch.edit.baseline.DiffEditRequest;
import dev.retouch.edit.baseline.Img2ImgEditor;
import dev.retouch.edit.baseline.Img2ImgRequest;
import dev.retouch.edit.baseline.SdeditEditor;
import dev.retouch.edit.baseline.SdeditRequest;
import dev.retouch.edit.baseline.TextToImageEditor;
import dev.retouch.edit.baseline.TextToImageRequest;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.edit.rectifier.RectifierEditRequest;
import dev.retouch.edit.rectifier.RectifierEditor;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotEditor;
import dev.retouch.edit.fewshot.FewshotRun;
import dev.retouch.edit.fewshot.FewshotTraining;
import dev.retouch.edit.fewshot.FewshotRequest;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.PixelGuide;
import dev.retouch.edit.pixelguide.PixelguideEditor;
import dev.retouch.edit.pixelguide.PixelguideRequest;
import dev.retouch.edit.sine.SineEditRequest;
import dev.retouch.edit.sine.SineEditor;
import dev.retouch.edit.sine.SineRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a job submission (the {@code request} JSON, the optional {@code image} and {@code map} parts) into a
 * {@link Task} over the library's editors, validating everything first: every refusal is an
 * {@link InvalidRequestException} naming the field (HTTP 400). Options carry the CLI's option names without dashes.
 * Model and effect names resolve only inside the model store.
 */
final class JobRequests {
    /** The methods, in the order the API lists them. */
    static final List<String> METHODS = List.of("sdedit", "img2img", "generate", "diffedit", "fewshot", "pixel", "sine",
            "rectifier", "portrait", "train-fewshot");
    /** The multipart parts a submission may carry besides {@code request}. */
    static final List<String> PARTS = List.of("image", "map", "before", "after");
    /** Training pairs an uploaded effect may have. */
    static final int MAX_PAIRS = 100;
    /** A model or effect name: no separators, no leading dot, so it cannot leave the store. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelStore store;
    private final long maxPixels;
    private final Path trainedEffects;

    /**
     * @param trainedEffects where {@code train-fewshot} writes effects (a store root's {@code effects/}), or null
     *                       when this server does not train
     */
    JobRequests(ModelStore store, long maxPixels, Path trainedEffects) {
        this.store = store;
        this.maxPixels = maxPixels;
        this.trainedEffects = trainedEffects;
    }

    /** The task of a submission: its request JSON and its other parts by name (each a list of uploads). */
    Task parse(String requestJson, Map<String, List<byte[]>> parts) {
        for (var e : parts.entrySet()) {
            if (!PARTS.contains(e.getKey())) {
                throw new InvalidRequestException(e.getKey() + ": unknown part (known: request, " + String.join(", ",
                        PARTS) + ")");
            }
            if (!e.getKey().equals("before") && !e.getKey().equals("after") && e.getValue().size() > 1) {
                throw new InvalidRequestException(e.getKey() + ": send one part of this name, got "
                        + e.getValue().size());
            }
        }
        byte[] image = parts.containsKey("image") ? parts.get("image").get(0) : null;
        byte[] map = parts.containsKey("map") ? parts.get("map").get(0) : null;
        if (requestJson == null || requestJson.isBlank()) {
            throw new InvalidRequestException("the 'request' part (JSON naming the method and its options) is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(requestJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRequestException("request: malformed JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new InvalidRequestException("request: expected a JSON object");
        }
        Fields f = new Fields(obj);
        String method = f.text("method", null);
        if (method == null) {
            throw new InvalidRequestException("method: required, one of " + METHODS);
        }
        Task task = switch (method) {
            case "sdedit" -> sdedit(f, image(image));
            case "img2img" -> img2img(f, image(image));
            case "generate" -> generate(f);
            case "diffedit" -> diffedit(f, image(image));
            case "fewshot" -> fewshot(f, image(image));
            case "rectifier" -> rectifier(f, image(image));
            case "portrait" -> portrait(f, image(image));
            case "pixel" -> pixel(f, image(image), map);
            case "sine" -> sine(f);
            case "train-fewshot" -> trainFewshot(f, parts.getOrDefault("before", List.of()),
                    parts.getOrDefault("after", List.of()));
            default -> throw new InvalidRequestException("method: unknown method '" + method + "'; known: " + METHODS);
        };
        f.done(method);
        if (!"pixel".equals(method) && map != null) {
            throw new InvalidRequestException("map: only the pixel method takes a map part");
        }
        if (!"train-fewshot".equals(method) && (parts.containsKey("before") || parts.containsKey("after"))) {
            throw new InvalidRequestException("before: only train-fewshot takes before/after parts");
        }
        return task;
    }

    /**
     * The classifiers' segmentation of an uploaded image at the pixel model's size, as the pixel method computes it
     * for the same seed (what the studio paints on: the edit's ROI is where the painted map differs from it).
     */
    LabelMap segment(byte[] imageBytes, String model, String classifiers, long seed) {
        RgbImage image = image(imageBytes);
        String m = checkName("model", model == null ? Retouch.PIXEL_MODEL : model);
        String c = checkName("classifiers", classifiers == null ? Retouch.CLASSIFIERS : classifiers);
        return new PixelguideEditor(store.pixel(resolve(m)), store.classifiers(resolve(c))).segment(image, seed);
    }

    private static String checkName(String field, String v) {
        if (!NAME.matcher(v).matches() || v.contains("..")) {
            throw new InvalidRequestException(field + ": '" + v + "' is not a model name (letters, digits, '.', "
                    + "'_', '-'; no paths)");
        }
        return v;
    }

    private RgbImage image(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidRequestException("image: this method edits an image; send it as the 'image' part");
        }
        return decode(bytes, "image part");
    }

    /** An uploaded image; an unreadable or oversized one is the caller's mistake (400). */
    private RgbImage decode(byte[] bytes, String part) {
        return build(() -> Images.decode(bytes, part, maxPixels));
    }

    private Task sdedit(Fields f, RgbImage image) {
        String model = f.model("model", Retouch.PIXEL_MODEL);
        SdeditRequest r = build(() -> new SdeditRequest(image, f.number("strength", SdeditRequest.DEFAULT_STRENGTH, 0, 1),
                f.integer("steps", SdeditRequest.DEFAULT_STEPS, 1, 1000), f.seed()));
        SdeditEditor editor = new SdeditEditor(store.pixel(resolve(model)));
        return new Task("sdedit", params("model", model, r), l -> editor.edit(r, l).image());
    }

    private Task img2img(Fields f, RgbImage image) {
        String model = f.model("model", Retouch.LATENT_MODEL);
        LatentDiffusion ld = store.latent(resolve(model));
        RgbImage sized = Resize.square(image, ld.imageSize());
        Img2ImgRequest r = build(() -> new Img2ImgRequest(sized, f.text("prompt", ""), f.text("negative", ""),
                f.number("strength", Img2ImgRequest.DEFAULT_STRENGTH, 1e-9, 1),
                f.integer("steps", Img2ImgRequest.DEFAULT_STEPS, 1, 1000),
                f.number("guidance", Img2ImgRequest.DEFAULT_GUIDANCE, 0, 100), sampler(f), f.seed()));
        Img2ImgEditor editor = new Img2ImgEditor(ld);
        return new Task("img2img", params("model", model, r), l -> editor.edit(r, l).image());
    }

    private Task generate(Fields f) {
        String model = f.model("model", Retouch.LATENT_MODEL);
        TextToImageRequest r = build(() -> new TextToImageRequest(f.text("prompt", ""), f.text("negative", ""), 1,
                f.integer("steps", TextToImageRequest.DEFAULT_STEPS, 1, 1000),
                f.number("guidance", TextToImageRequest.DEFAULT_GUIDANCE, 0, 100), sampler(f), f.seed()));
        TextToImageEditor editor = new TextToImageEditor(store.latent(resolve(model)));
        return new Task("generate", params("model", model, r), l -> editor.edit(r, l).images().get(0));
    }

    private Task diffedit(Fields f, RgbImage image) {
        String model = f.model("model", Retouch.LATENT_MODEL);
        LatentDiffusion ld = store.latent(resolve(model));
        RgbImage sized = Resize.square(image, ld.imageSize());
        String query = f.text("query", null);
        if (query == null) {
            throw new InvalidRequestException("query: required (the text of what the result should show)");
        }
        DiffEditRequest r = build(() -> new DiffEditRequest(sized, query, f.text("reference", ""),
                f.number("ratio", 0.5, 1e-9, 1), f.integer("steps", 50, 1, 1000), f.number("guidance", 5, 0, 100),
                f.seed()));
        DiffEditEditor editor = new DiffEditEditor(ld);
        return new Task("diffedit", params("model", model, r), l -> editor.edit(r, l).image());
    }

    private Task fewshot(Fields f, RgbImage image) {
        String effect = f.model("effect", "skin-tone-5");
        FewshotRequest r = build(() -> new FewshotRequest(image, f.seed(), null));
        FewshotEditor editor = new FewshotEditor(store.effect(resolveEffect(effect)));
        return new Task("fewshot", params("effect", effect, r), l -> editor.edit(r, l).image());
    }

    private Task rectifier(Fields f, RgbImage image) {
        String edit = f.model("edit", "rectifier-crying");
        RectifierEditRequest r = build(() -> new RectifierEditRequest(image, f.integer("steps",
                RectifierEditRequest.DEFAULT_STEPS, 1, 1000), f.seed()));
        String dir = resolveEffect(edit);
        if (!RectifierEdit.isEdit(Path.of(dir))) {
            throw new InvalidRequestException("edit: '" + edit + "' is not a rectifier edit (train one with `retouch "
                    + "train rectifier-edit`)");
        }
        RectifierEditor editor = new RectifierEditor(store.rectifierEdit(dir));
        return new Task("rectifier", params("edit", edit, r), l -> editor.edit(r, l).image());
    }

    private Task portrait(Fields f, RgbImage image) {
        String model = f.model("model", "portrait-man-woman");
        String dir = resolve(model);
        if (!"portrait".equals(ModelStore.kind(Path.of(dir)))) {
            throw new InvalidRequestException("model: '" + model + "' is not a portrait model (train one with "
                    + "`retouch train portrait`)");
        }
        dev.retouch.edit.portrait.PortraitModel pm = store.portrait(dir);
        String target = f.text("target", pm.config().targets().get(0));
        dev.retouch.edit.portrait.PortraitEditRequest r = build(() -> new dev.retouch.edit.portrait.PortraitEditRequest(
                dev.retouch.core.image.Resize.square(image, pm.base().imageSize()), target,
                dev.retouch.edit.portrait.PortraitEditRequest.Scales.parse(f.text("scales", "code")),
                f.integer("steps", dev.retouch.edit.portrait.PortraitEditRequest.DEFAULT_STEPS, 1, 1000),
                dev.retouch.edit.portrait.MaskSettings.of(f.has("mask") ? dev.retouch.edit.portrait.MaskSettings
                        .parseMode(f.text("mask", null)) : dev.retouch.edit.portrait.MaskSettings.defaultMode(
                        pm.config().task()), f.number("threshold", 0.35, 0, 1), f.integer("maskseeds", 10, 1, 64),
                        f.text("blend", null)), f.seed()));
        if (!pm.config().targets().contains(target)) {
            throw new InvalidRequestException("target: '" + target + "' is not one of this model's targets "
                    + pm.config().targets());
        }
        dev.retouch.edit.portrait.PortraitEditor editor = new dev.retouch.edit.portrait.PortraitEditor(pm);
        return new Task("portrait", params("model", model, r), l -> editor.edit(r, l).image());
    }

    private Task pixel(Fields f, RgbImage image, byte[] mapBytes) {
        String model = f.model("model", Retouch.PIXEL_MODEL);
        String classifiers = f.model("classifiers", Retouch.CLASSIFIERS);
        List<String> ops = f.texts("ops");
        LabelMap map = mapBytes == null ? null : build(() -> LabelMap.ofPalette(decode(mapBytes, "map part"),
                "map part"));
        if ((ops == null) == (map == null)) {
            throw new InvalidRequestException("ops: give the target as 'ops' (map operations) or as a 'map' part, "
                    + (ops == null ? "not neither" : "not both"));
        }
        Integer t0 = f.has("t0") ? f.integer("t0", 0, 1, 750) : null;
        Double scale = f.has("scale") ? f.number("scale", 0, 0, 10_000) : null;
        PixelguideRequest r = build(() -> new PixelguideRequest(image, map, ops, t0, scale, true,
                PixelGuide.Sampler.DDIM, f.seed()));
        PixelguideEditor editor = new PixelguideEditor(store.pixel(resolve(model)),
                store.classifiers(resolve(classifiers)));
        Map<String, String> p = params("model", model, r);
        p.put("classifiers", classifiers);
        return new Task("pixel", p, l -> editor.edit(r, l).image());
    }

    private Task sine(Fields f) {
        String model = f.model("model", "sine-demo");
        String prompt = f.text("prompt", null);
        if (prompt == null) {
            throw new InvalidRequestException("prompt: required (the edit prompt)");
        }
        Path tuned = Path.of(resolve(model));
        SineEditor editor = new SineEditor(store.sineBaseAt(tuned), store.sineAt(tuned));
        int side = editor.base().imageSize();
        SineEditRequest r = build(() -> new SineEditRequest(new SineRequest(prompt,
                f.number("v", SineRequest.DEFAULT_V, 0, 1), f.integer("k", SineRequest.DEFAULT_K, 0, 1000),
                f.number("guidance", SineRequest.DEFAULT_GUIDANCE, 0, 100), side, side, true),
                f.integer("steps", SineEditRequest.DEFAULT_STEPS, 1, 1000), sampler(f), f.seed(), false,
                false));
        return new Task("sine", params("model", model, r), l -> editor.edit(r, l).image());
    }

    /**
     * Trains a few-shot effect from uploaded pairs (the k-th {@code before} part with the k-th {@code after}) into
     * the server's trained effects as {@code name}; the job's result is the new effect applied to the first
     * pair's before image. The run trains in a hidden directory and moves into place only when it finishes: a
     * cancelled or failed training leaves nothing behind.
     */
    private Task trainFewshot(Fields f, List<byte[]> before, List<byte[]> after) {
        if (trainedEffects == null) {
            throw new InvalidRequestException("method: this server does not train (start it with a user model "
                    + "directory)");
        }
        if (!f.has("name")) {
            throw new InvalidRequestException("name: required (the new effect's name)");
        }
        String name = f.model("name", null);
        if (before.size() != after.size() || before.size() < 2 || before.size() > MAX_PAIRS) {
            throw new InvalidRequestException("before: send 2 to " + MAX_PAIRS + " before parts and as many after "
                    + "parts (the k-th before with the k-th after), got " + before.size() + " and " + after.size());
        }
        EffectVariant variant;
        try {
            variant = EffectVariant.parse(f.text("variant", "nn"));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("variant: " + e.getMessage());
        }
        int n = f.integer("n", 2, 2, 8);
        int steps = f.integer("steps", 1000, 1, 20_000);
        int batch = f.integer("batch", 8, 1, 64);
        double lr = f.number("lr", 3e-4, 1e-7, 1);
        long seed = f.seed();
        EffectConfig config = EffectConfig.emoji(variant, n);
        int side = config.imageSize();
        List<ImagePair> pairs = new ArrayList<>();
        for (int k = 0; k < before.size(); k++) {
            RgbImage b = Resize.square(decode(before.get(k), "before part " + (k + 1)), side);
            RgbImage a = Resize.square(decode(after.get(k), "after part " + (k + 1)), side);
            pairs.add(new ImagePair(String.format(Locale.ROOT, "pair-%03d", k + 1), b, a));
        }
        Path target = trainedEffects.resolve(name);
        if (Files.exists(target) || store.lookupEffect(name).isPresent()) {
            throw new InvalidRequestException("name: an effect '" + name + "' exists already; choose another name");
        }
        TrainConfig tc = new TrainConfig(steps, batch, lr, Math.min(200, steps / 10), 0.0, 1.0, 0.999, 250, seed);
        String command = String.format(Locale.ROOT, "POST /api/jobs {\"method\":\"train-fewshot\",\"name\":\"%s\","
                + "\"variant\":\"%s\",\"n\":%d,\"steps\":%d,\"batch\":%d,\"lr\":%s,\"seed\":%d} with %d pairs", name,
                variant.label(), n, steps, batch, lr, seed, pairs.size());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("variant", variant.label());
        p.put("steps", Integer.toString(steps));
        p.put("pairs", Integer.toString(pairs.size()));
        p.put("seed", Long.toString(seed));
        return new Task("train-fewshot", p, l -> {
            Path work;
            try {
                Files.createDirectories(trainedEffects);
                work = Files.createTempDirectory(trainedEffects, ".training-" + name + "-");
            } catch (IOException e) {
                throw new RetouchException("cannot create a training directory in " + trainedEffects + ": "
                        + e.getMessage(), e);
            }
            boolean[] stopped = {false};
            try {
                FewshotTraining.Result r = FewshotTraining.start(pairs, new FewshotRun(config, tc, command),
                        work.resolve("run"), work.resolve("effect"), (step, total, metric) -> {
                            boolean go = l.onStep(step, total, metric);
                            stopped[0] |= !go;
                            return go;
                        });
                if (stopped[0] || r.steps() < steps) {
                    throw new dev.retouch.core.progress.CancelledException(r.steps(), steps);
                }
                try {
                    Files.move(work.resolve("effect"), target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new RetouchException("cannot move the trained effect to " + target + ": " + e.getMessage(), e);
                }
                return r.effect().apply(pairs.get(0).before(), 0);
            } finally {
                dev.retouch.core.io.AtomicFiles.deleteTreeQuietly(work); // a leftover hidden directory is never read
            }
        });
    }

    private static SamplerKind sampler(Fields f) {
        String s = f.text("sampler", "ddim");
        try {
            return SamplerKind.parse(s);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("sampler: " + e.getMessage());
        }
    }

    /** The model (or effect) and the request's own parameters, as text for the result PNG (nulls left out). */
    private static Map<String, String> params(String modelField, String model, dev.retouch.edit.EditRequest r) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(modelField, model);
        r.parameters().forEach((k, v) -> {
            if (v != null) {
                p.put(k, String.valueOf(v));
            }
        });
        return p;
    }

    /** A request record's own validation, as a 400. */
    private static <T> T build(java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidRequestException | dev.retouch.core.image.ImageTooLargeException e) {
            throw e;
        } catch (RetouchException | IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** A model directory strictly inside a store root (no path, no link leading out of it). */
    private String resolve(String name) {
        return inside(name, "", "model").toString();
    }

    private String resolveEffect(String name) {
        return inside(name, "effects", "effect").toString();
    }

    private Path inside(String name, String sub, String what) {
        for (Path root : store.roots()) {
            Path dir = root.resolve(sub).resolve(name);
            if (Files.isDirectory(dir)) {
                try {
                    if (!dir.toRealPath().startsWith(root.toRealPath())) {
                        throw new InvalidRequestException(what + " '" + name + "' leads out of the model store");
                    }
                } catch (IOException e) {
                    throw new InvalidRequestException(what + " '" + name + "': " + e.getMessage());
                }
                return dir;
            }
        }
        throw new InvalidRequestException(what + " '" + name + "' is not in the model store (GET /api/models lists them)");
    }

    /** The JSON's fields, read once each; what was read is recorded, what was not is an unknown option. */
    static final class Fields {
        private final ObjectNode obj;
        private final Set<String> read = new TreeSet<>();

        Fields(ObjectNode obj) {
            this.obj = obj;
        }

        boolean has(String name) {
            read.add(name);
            return obj.has(name) && !obj.get(name).isNull();
        }

        private JsonNode get(String name) {
            read.add(name);
            JsonNode n = obj.get(name);
            return n == null || n.isNull() ? null : n;
        }

        String text(String name, String def) {
            JsonNode n = get(name);
            if (n == null) {
                return def;
            }
            if (!n.isTextual()) {
                throw new InvalidRequestException(name + ": expected a string, got " + n);
            }
            if (n.asText().length() > 1000) {
                throw new InvalidRequestException(name + ": longer than 1000 characters");
            }
            return n.asText();
        }

        List<String> texts(String name) {
            JsonNode n = get(name);
            if (n == null) {
                return null;
            }
            if (!n.isArray() || n.isEmpty()) {
                throw new InvalidRequestException(name + ": expected a non-empty array of strings, got " + n);
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw new InvalidRequestException(name + ": expected strings, got " + e);
                }
                out.add(e.asText());
            }
            return out;
        }

        double number(String name, double def, double min, double max) {
            JsonNode n = get(name);
            if (n == null) {
                return def;
            }
            if (!n.isNumber()) {
                throw new InvalidRequestException(name + ": expected a number, got " + n);
            }
            double v = n.asDouble();
            if (!(v >= min && v <= max)) {
                throw new InvalidRequestException(name + ": must be in [" + fmt(min) + ", " + fmt(max) + "], got " + n);
            }
            return v;
        }

        int integer(String name, int def, int min, int max) {
            JsonNode n = get(name);
            if (n == null) {
                return def;
            }
            if (!n.isIntegralNumber()) {
                throw new InvalidRequestException(name + ": expected an integer, got " + n);
            }
            long v = n.asLong();
            if (v < min || v > max) {
                throw new InvalidRequestException(name + ": must be in [" + min + ", " + max + "], got " + n);
            }
            return (int) v;
        }

        long seed() {
            JsonNode n = get("seed");
            if (n == null) {
                return 0;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new InvalidRequestException("seed: expected an integer, got " + n);
            }
            return n.asLong();
        }

        /** A model or effect name from the store (not a path). */
        String model(String name, String def) {
            return checkName(name, text(name, def));
        }

        /** Refuses the fields no reader asked for. */
        void done(String method) {
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!read.contains(k)) {
                    unknown.add(k);
                }
            }
            if (!unknown.isEmpty()) {
                throw new InvalidRequestException(unknown.get(0) + ": unknown option for method " + method
                        + " (known: " + String.join(", ", read.stream().filter(k -> !k.equals("method")).toList()) + ")");
            }
        }

        private static String fmt(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
        }
    }
}
