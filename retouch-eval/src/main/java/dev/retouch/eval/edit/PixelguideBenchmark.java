package dev.retouch.eval.edit;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.ColourArtefacts;
import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.pixelguide.EditScores;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.MapEdit;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelGuide;
import dev.retouch.edit.pixelguide.Roi;
import dev.retouch.edit.pixelguide.ScriptedEdits;
import dev.retouch.eval.clip.ClipScorer;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The pixelguide benchmark (paper 004): scripted map edits (close the mouth, add a tear, …) of held-out yellow
 * faces, each run with pixelguide at the paper's defaults for its ROI and with the SDEdit 0.5 baseline on the
 * input painted in the target's colours. Scored outside the ROI (PSNR, MAE), inside it (by the pixel classifiers
 * that guide the edit, by colour rules, and by the evaluation-only judge's face-part head), on the changed pixels,
 * and by colour artefacts; the emoji-clip FD of edits and baselines to the inputs; full-step against respaced
 * timing; optionally a (t₀, s) sweep. Writes {@code report.json} (with every row) and {@code index.html}.
 */
public final class PixelguideBenchmark {
    /**
     * @param split held-out faces: VALIDATION (tuning) or TEST (reporting); the train split trained the classifiers
     * @param faces at most this many faces, by file name, in [1, 100000]
     * @param full  the first edits also run full-step, for the timing comparison
     * @param clip  the feature model of the FD (skipped with a notice when absent)
     */
    public record Config(String model, String classifiers, String judge, String clip, Split split, int faces, int full,
                         boolean sweep, long seed) {
        public Config {
            if (split == Split.TRAIN) {
                throw new RetouchException("the split must be validation or test (the train split's faces trained "
                        + "the classifiers)");
            }
            if (faces < 1) {
                throw new RetouchException("faces must be at least 1, got " + faces);
            }
            if (full < 0) {
                throw new RetouchException("full must be >= 0, got " + full);
            }
        }
    }

    /** The report's fields (its rows are in {@code report.json} only). */
    public record Result(Config config, Map<String, Object> fields) {
    }

    private final ModelStore store;
    private final EmojiDataset ds;
    private final Config config;
    private final long seed;
    private final Consumer<String> notices;
    private JudgeView judgeView;

    private PixelguideBenchmark(ModelStore store, EmojiDataset ds, Config config, Consumer<String> notices) {
        this.store = store;
        this.ds = ds;
        this.config = config;
        this.seed = config.seed();
        this.notices = notices;
    }

    /** Runs the benchmark and writes its report into {@code out}. */
    public static Result run(ModelStore store, EmojiDataset ds, Config config, Path out, Consumer<String> notices) {
        return new PixelguideBenchmark(store, ds, config, notices).run(out);
    }

    /** One scripted edit of one face: the input, its segmentation, the target map, the ROI. */
    public record Case(String face, String edit, RgbImage image, LabelMap original, LabelMap target, Mask roi) {
    }

    /** Share of a face's colour-rule map that must be face yellow for the face to enter the benchmark. */
    public static final double MIN_FACE_SHARE = 0.30;

    @SuppressWarnings("unchecked")
    private Result run(Path out) {
        PixelDiffusionModel m = store.pixel(config.model());
        PixelClassifiers pc = store.classifiers(config.classifiers());
        judgeView = new JudgeView(EmojiJudge.fromStore(store, config.judge()));
        Reports.directory(out); // after the models load: a refused run leaves nothing behind
        List<Case> cases = cases(m, pc);
        HtmlReport html = new HtmlReport(out, "pixelguide benchmark");
        html.judge(judgeView);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<RgbImage> inputs = new ArrayList<>();
        List<RgbImage> edits = new ArrayList<>();
        List<RgbImage> baselines = new ArrayList<>();
        for (Case c : cases) {
            rows.add(runCase(m, pc, c, html, edits, baselines));
            inputs.add(c.image());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", config.model());
        report.put("classifiers", config.classifiers());
        report.put("split", config.split().name().toLowerCase(Locale.ROOT));
        report.put("faces", cases.stream().map(Case::face).distinct().count());
        report.put("cases", rows.size());
        report.put("pixelguide", summary(rows, "pg_"));
        report.put("sdedit", summary(rows, "sd_"));
        report.put("rules_agreement_input", rows.stream().mapToDouble(r -> ((Number) r.get("rules_agreement_input"))
                .doubleValue()).average().orElse(Double.NaN));
        report.put("per_edit", perEdit(rows));
        ClipScorer scorer = cases.size() >= 2 ? ClipScorer.optional(store, config.clip(), notices) : null;
        if (scorer != null) {
            double[][] real = scorer.features(inputs);
            ((Map<String, Object>) report.get("pixelguide")).put("fd_emoji_clip",
                    FrechetDistance.of(scorer.features(edits), real));
            ((Map<String, Object>) report.get("sdedit")).put("fd_emoji_clip",
                    FrechetDistance.of(scorer.features(baselines), real));
        }
        report.put("full_vs_respaced", fullVsRespaced(m, pc, cases.subList(0, Math.min(config.full(), cases.size()))));
        if (config.sweep()) {
            report.put("sweep", sweep(m, pc, cases));
        }
        report.put("rows", rows);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        html.section("Summary", Json.toJson(Map.of("pixelguide", report.get("pixelguide"), "sdedit", report.get("sdedit"),
                "full_vs_respaced", report.get("full_vs_respaced"), "per_edit", report.get("per_edit"))));
        html.write();
        report.remove("rows");
        return new Result(config, report);
    }

    private List<Case> cases(PixelDiffusionModel m, PixelClassifiers pc) {
        Split wanted = config.split();
        List<EmojiImage> held = ds.images().stream().filter(e -> !e.isVariant() && e.split() == wanted
                && e.base().subcategory().startsWith("face-")).sorted(Comparator.comparing(EmojiImage::image))
                .filter(e -> isYellowFace(new RgbImage(64, 64, ds.rgb(e, 64)))).limit(config.faces()).toList();
        notices.accept(String.format(Locale.ROOT, "%d %s faces pass the yellow-face rule", held.size(),
                wanted.name().toLowerCase(Locale.ROOT)));
        List<Case> cases = new ArrayList<>();
        for (EmojiImage e : held) {
            RgbImage img = new RgbImage(m.sampleSize(), m.sampleSize(), ds.rgb(e, m.sampleSize()));
            LabelMap original = pc.segment(m, ImageTensors.toTensor(img), seed);
            for (ScriptedEdits.Edit edit : ScriptedEdits.forMap(original)) {
                LabelMap target = MapEdit.apply(original, edit.ops());
                if (!java.util.Arrays.equals(target.classes(), original.classes())) {
                    cases.add(new Case(e.image(), edit.name(), img, original, target, Roi.of(original, target)));
                }
            }
        }
        return cases;
    }

    /** Whether the colour rules find a face: at least {@link #MIN_FACE_SHARE} of the map is face yellow. */
    public static boolean isYellowFace(RgbImage image64) {
        LabelMap rules = EditScores.byRules(image64, 32);
        return rules.count(FaceClass.FACE) >= MIN_FACE_SHARE * rules.classes().length;
    }

    private Map<String, Object> runCase(PixelDiffusionModel m, PixelClassifiers pc, Case c, HtmlReport html,
                                        List<RgbImage> edits, List<RgbImage> baselines) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("face", c.face());
        row.put("edit", c.edit());
        row.put("roi_pixels", c.roi().count());
        row.put("large_roi", PixelGuide.isLargeRoi(c.roi()));
        // the two judges' agreement before any edit: the rules on the input against the classifiers' map
        row.put("rules_agreement_input", EditScores.accuracyInsideByRules(c.image(), c.original(), c.roi()));
        PixelGuide.Options o = defaults(c, true, seed);
        long t0 = System.nanoTime();
        RgbImage edited = edit(m, pc, c, o);
        row.put("pg_seconds", (System.nanoTime() - t0) / 1e9);
        score(row, "pg_", pc, m, c, edited);
        RgbImage painted = paint(c);
        RgbImage baseline;
        try (PointerScope ignored = new PointerScope()) {
            baseline = ImageTensors.fromTensor(PixelPipelines.sdedit(m, ImageTensors.toTensor(painted), 0.5, 50,
                    Tensors.generator(seed), LoopHooks.NONE));
        }
        score(row, "sd_", pc, m, c, baseline);
        edits.add(edited);
        baselines.add(baseline);
        RgbImage judged = new LabelMap(edited.width(), edited.height(), judgeView.segment(edited)).toImage();
        html.images(List.of(c.image(), html.plain(c.original().toImage()), html.plain(c.target().toImage()),
                html.plain(roiImage(c.roi())), edited, html.plain(judged),
                painted, baseline), List.of(c.face(), "original map", c.edit(), "ROI", "pixelguide",
                "judge's map of pixelguide", "painted", "SDEdit 0.5"), 3);
        return row;
    }

    public static PixelGuide.Options defaults(Case c, boolean respaced, long seed) {
        return PixelGuide.defaults(c.roi(), null, null, respaced, PixelGuide.Sampler.DDIM, seed);
    }

    public static RgbImage edit(PixelDiffusionModel m, PixelClassifiers pc, Case c, PixelGuide.Options o) {
        try (PointerScope ignored = new PointerScope()) {
            return ImageTensors.fromTensor(PixelGuide.edit(m, pc, ImageTensors.toTensor(c.image()), c.original(),
                    c.target(), o, null).image());
        }
    }

    private void score(Map<String, Object> row, String prefix, PixelClassifiers pc, PixelDiffusionModel m, Case c,
                       RgbImage img) {
        row.put(prefix + "mae_outside", Metrics.mae(c.image(), img, c.roi(), true));
        row.put(prefix + "psnr_outside", Metrics.psnr(c.image(), img, 1.0, c.roi(), true));
        row.put(prefix + "accuracy_inside", EditScores.accuracyInside(pc, m, img, c.target(), c.roi(), seed));
        row.put(prefix + "accuracy_inside_rules", EditScores.accuracyInsideByRules(img, c.target(), c.roi()));
        row.put(prefix + "accuracy_inside_judge", judgeView.accuracyInside(img, c.target().classes(), c.roi()::inside));
        // the pixels the edit changes (e.g. the teeth of "close mouth"): a dilated ROI is mostly unchanged face,
        // which any output keeps, so the changed pixels are where an edit that did not happen shows
        Mask changed = changed(c);
        row.put(prefix + "accuracy_changed", EditScores.accuracyInside(pc, m, img, c.target(), changed, seed));
        row.put(prefix + "accuracy_changed_judge", judgeView.accuracyInside(img, c.target().classes(), changed::inside));
        row.put(prefix + "artefact_share", ColourArtefacts.share(c.image(), img, c.roi(), ColourArtefacts.DEFAULT_THRESHOLD));
    }

    /** The pixels whose class the edit changes (original ≠ target). */
    public static Mask changed(Case c) {
        byte[] a = c.original().classes();
        byte[] b = c.target().classes();
        float[] v = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i] != b[i] ? 1f : 0f;
        }
        return new Mask(c.original().width(), c.original().height(), v);
    }

    /** The image with every pixel the edit changed painted in its target class's palette colour. */
    public static RgbImage paint(Case c) {
        float[] chw = c.image().chw().clone();
        int n = c.image().width() * c.image().height();
        for (int i = 0; i < n; i++) {
            if (c.original().classes()[i] != c.target().classes()[i]) {
                int rgb = FaceClass.values()[c.target().classes()[i]].rgb();
                chw[i] = ((rgb >> 16) & 255) / 255f;
                chw[n + i] = ((rgb >> 8) & 255) / 255f;
                chw[2 * n + i] = (rgb & 255) / 255f;
            }
        }
        return new RgbImage(c.image().width(), c.image().height(), chw);
    }

    public static RgbImage roiImage(Mask roi) {
        float[] v = roi.values();
        float[] chw = new float[3 * v.length];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(v, 0, chw, k * v.length, v.length);
        }
        return new RgbImage(roi.width(), roi.height(), chw);
    }

    public static Map<String, Object> summary(List<Map<String, Object>> rows, String prefix) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String k : List.of("mae_outside", "psnr_outside", "accuracy_inside", "accuracy_inside_rules",
                "accuracy_inside_judge", "accuracy_changed", "accuracy_changed_judge", "artefact_share", "seconds")) {
            double[] v = rows.stream().filter(r -> r.containsKey(prefix + k))
                    .mapToDouble(r -> Math.min(100, ((Number) r.get(prefix + k)).doubleValue())).toArray();
            if (v.length > 0) {
                s.put(k + (k.equals("psnr_outside") ? "_capped100" : ""), java.util.Arrays.stream(v).average().orElse(Double.NaN));
            }
        }
        return s;
    }

    /** Per scripted edit: count, mean ROI size and both methods' accuracies by both judges. */
    public static Map<String, Object> perEdit(List<Map<String, Object>> rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String edit : rows.stream().map(r -> (String) r.get("edit")).distinct().toList()) {
            List<Map<String, Object>> of = rows.stream().filter(r -> edit.equals(r.get("edit"))).toList();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("n", of.size());
            e.put("roi_pixels", of.stream().mapToDouble(r -> ((Number) r.get("roi_pixels")).doubleValue()).average().orElse(0));
            for (String k : List.of("pg_accuracy_inside", "pg_accuracy_inside_rules", "pg_accuracy_inside_judge",
                    "pg_accuracy_changed", "pg_accuracy_changed_judge", "pg_artefact_share", "sd_accuracy_inside",
                    "sd_accuracy_inside_rules", "sd_accuracy_inside_judge", "sd_accuracy_changed",
                    "sd_accuracy_changed_judge", "sd_artefact_share")) {
                e.put(k, of.stream().mapToDouble(r -> ((Number) r.get(k)).doubleValue()).average().orElse(Double.NaN));
            }
            out.put(edit, e);
        }
        return out;
    }

    private Map<String, Object> fullVsRespaced(PixelDiffusionModel m, PixelClassifiers pc, List<Case> subset) {
        double[] sec = new double[2];
        double[] acc = new double[2];
        for (Case c : subset) {
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                RgbImage img = edit(m, pc, c, defaults(c, k == 0, seed));
                sec[k] += (System.nanoTime() - t0) / 1e9;
                acc[k] += EditScores.accuracyInside(pc, m, img, c.target(), c.roi(), seed);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        int n = Math.max(1, subset.size());
        r.put("edits", subset.size());
        r.put("respaced_seconds", sec[0] / n);
        r.put("full_seconds", sec[1] / n);
        r.put("speedup", sec[1] / Math.max(1e-9, sec[0]));
        r.put("respaced_accuracy", acc[0] / n);
        r.put("full_accuracy", acc[1] / n);
        return r;
    }

    /**
     * Accuracy over (t₀, s) for small and large ROIs, read by the classifiers (as the paper's Fig. 6) and by the
     * judge (inside the ROI and on the changed pixels), with the artefact share: tune on the validation split.
     */
    private List<Map<String, Object>> sweep(PixelDiffusionModel m, PixelClassifiers pc, List<Case> cases) {
        List<Map<String, Object>> out = new ArrayList<>();
        String[] keys = {"accuracy", "accuracy_judge", "accuracy_changed_judge", "artefact_share"};
        for (int t0 : new int[]{300, 500, 750}) {
            for (double s : new double[]{40, 100, 200}) {
                double[][] sum = new double[2][keys.length];
                int[] n = new int[2];
                for (Case c : cases) {
                    int k = PixelGuide.isLargeRoi(c.roi()) ? 1 : 0;
                    RgbImage img = edit(m, pc, c, new PixelGuide.Options(t0, s, true, PixelGuide.Sampler.DDIM, seed));
                    Mask changed = changed(c);
                    sum[k][0] += EditScores.accuracyInside(pc, m, img, c.target(), c.roi(), seed);
                    sum[k][1] += judgeView.accuracyInside(img, c.target().classes(), c.roi()::inside);
                    sum[k][2] += judgeView.accuracyInside(img, c.target().classes(), changed::inside);
                    sum[k][3] += ColourArtefacts.share(c.image(), img, c.roi(), ColourArtefacts.DEFAULT_THRESHOLD);
                    n[k]++;
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("t0", t0);
                r.put("scale", s);
                String[] sizes = {"small_roi_", "large_roi_"};
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < keys.length; j++) {
                        r.put(sizes[k] + keys[j], n[k] == 0 ? null : sum[k][j] / n[k]);
                    }
                    r.put(sizes[k] + "edits", n[k]);
                }
                out.add(r);
            }
        }
        return out;
    }
}
