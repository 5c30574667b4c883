package dev.retouch.eval.portrait;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.EditRegions;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.baseline.DiffEditEditor;
import dev.retouch.edit.baseline.DiffEditRequest;
import dev.retouch.edit.baseline.Img2ImgEditor;
import dev.retouch.edit.baseline.Img2ImgRequest;
import dev.retouch.edit.portrait.MaskSettings;
import dev.retouch.edit.portrait.PortraitEditRequest;
import dev.retouch.edit.portrait.PortraitEditor;
import dev.retouch.edit.portrait.PortraitModel;
import dev.retouch.edit.portrait.PortraitTask;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Paper 003's Table 1 on emojis, read by the evaluation-only judge (no method was trained, guided or filtered by it).
 * <ul>
 *   <li><b>man-woman</b>: the real same-role, same-tone man ↔ woman pairs the base model never saw both images of
 *       ({@link PortraitTask#heldOut}, not {@code seen}) are the ground truth. Scores: SSIM to the source outside the
 *       ground-truth region (pixels where source and truth differ by more than 0.1, dilated 2 px: a mask that
 *       belongs to no method), judge-feature distance 1 − cos to the truth, judge-FD of the outputs against the
 *       truths, and success = the output's judge features are closer to the truth than to the source.</li>
 *   <li><b>expression</b>: validation and test yellow faces, each direction; no ground truth. Scores: SSIM to the
 *       source (whole image), judge-FD against the real faces of the target emoji's subcategory, and success = the
 *       judge's top-1 subcategory is the target emoji's.</li>
 * </ul>
 * Rows: the unedited input (the floor), the portrait model with the paper's settings and with the official code's
 * (scales, soft mask, latent blend), without mask, the ablation models given (with the code's settings), SDEdit at 0.5 and 0.8 and DiffEdit on the base model with the full
 * source and target captions (more than the portrait model is told: it reads only "woman", "smiling face", …).
 */
public final class PortraitBenchmark {
    /** One evaluation case. */
    public record Case(String id, PortraitTask.Direction direction, RgbImage source, RgbImage truth,
                       String sourceCaption, String targetCaption, String targetSubcategory, boolean truthSeen) {
    }

    /** One method's scores. */
    public record Row(String method, int n, double ssim, double featureDistance, double fd, double success,
                      double seconds) {
        Map<String, Object> fields() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", method);
            r.put("n", n);
            r.put("ssim", ssim);
            r.put("judge_feature_distance", featureDistance);
            r.put("judge_fd", fd);
            r.put("success", success);
            r.put("seconds_per_edit", seconds);
            return r;
        }
    }

    /**
     * @param unseenRows man-woman: the same scores on the cases whose ground-truth image is not in the train split
     *                   (the base model never saw it, so a baseline given its full caption cannot recall it)
     */
    public record Result(String task, int cases, List<Row> rows, int unseenCases, List<Row> unseenRows) {
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("task", task);
            f.put("cases", cases);
            f.put("results", rows.stream().map(Row::fields).toList());
            if (!unseenRows.isEmpty()) {
                f.put("truth_unseen_cases", unseenCases);
                f.put("truth_unseen_results", unseenRows.stream().map(Row::fields).toList());
            }
            return f;
        }

        public Row row(String method) {
            return rows.stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
        }
    }

    public static final String INPUT = "input (no edit)";
    public static final String TRUTH = "ground truth";
    public static final String OURS = "portrait, paper (s 3/3/5, binary mask λ 0.35, Eq. 3 blend)";
    public static final String OURS_CODE = "portrait, code (s 3/2/4, soft mask, latent blend)";
    public static final String NO_MASK = "portrait w/o mask (s 3/2/4)";
    /** The official code's settings: its scales, its soft mask, the noised source outside the mask. */
    static final MaskSettings CODE_MASK = MaskSettings.CODE;
    public static final String SDEDIT_05 = "SDEdit 0.5";
    public static final String SDEDIT_08 = "SDEdit 0.8";
    public static final String DIFFEDIT = "DiffEdit";

    private PortraitBenchmark() {
    }

    /** The man-woman cases: unseen real pairs, {@code limit} of them spread evenly over the sorted list. */
    public static List<Case> manWomanCases(EmojiDataset data, int limit) {
        List<PortraitTask.RealPair> pairs = new ArrayList<>(PortraitTask.manWoman().heldOut(data).stream()
                .filter(p -> !p.seen()).toList());
        pairs.sort(Comparator.comparing(p -> p.source().image()));
        List<Case> out = new ArrayList<>();
        for (PortraitTask.RealPair p : spread(pairs, limit)) {
            out.add(new Case(p.source().image().replace(".png", "") + "→" + p.target().image().replace(".png", ""),
                    p.direction(), data.rgbImage(p.source()), data.rgbImage(p.target()), p.source().caption(),
                    p.target().caption(), p.target().base().subcategory(), p.target().split() == Split.TRAIN));
        }
        return out;
    }

    /** The expression cases: validation and test yellow faces × the four directions, spread. */
    public static List<Case> expressionCases(EmojiDataset data, int limit) {
        PortraitTask task = PortraitTask.expression();
        List<EmojiImage> faces = new ArrayList<>(PortraitTask.sourceFaces(data, Split.VALIDATION));
        faces.addAll(PortraitTask.sourceFaces(data, Split.TEST));
        faces.sort(Comparator.comparing(EmojiImage::image));
        List<Case> all = new ArrayList<>();
        for (EmojiImage f : faces) {
            for (PortraitTask.Direction d : task.directions()) {
                EmojiImage target = PortraitTask.expressionTarget(data, d);
                all.add(new Case(f.image().replace(".png", "") + "→" + d.name(), d, data.rgbImage(f), null,
                        f.caption(), target.caption(), target.base().subcategory(), false));
            }
        }
        return spread(all, limit);
    }

    private static <T> List<T> spread(List<T> all, int n) {
        int count = Math.min(n, all.size());
        List<T> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(all.get((int) ((long) i * all.size() / count)));
        }
        return out;
    }

    /**
     * Runs the benchmark for {@code model} (its task decides the cases) with the {@code ablations} (name → model)
     * into {@code out}.
     */
    public static Result run(ModelStore store, String model, Map<String, String> ablations, String judgeName,
                             int limit, boolean baselines, long seed, Path out,
                             Function<String, StepListener> progress) {
        PortraitModel pm = store.portrait(model);
        EmojiJudge judge = EmojiJudge.fromStore(store, judgeName);
        EmojiDataset data = EmojiDataset.load();
        String task = pm.config().task();
        boolean manWoman = task.equals(PortraitTask.MAN_WOMAN_NAME);
        List<Case> cases = manWoman ? manWomanCases(data, limit) : expressionCases(data, limit);
        if (cases.isEmpty()) {
            throw new InvalidRequestException("no evaluation cases for task " + task);
        }
        Reports.directory(out);
        Map<String, List<RgbImage>> results = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        results.put(INPUT, cases.stream().map(Case::source).toList());
        seconds.put(INPUT, 0.0);
        if (manWoman) {
            results.put(TRUTH, cases.stream().map(Case::truth).toList());
            seconds.put(TRUTH, 0.0);
        }
        PortraitEditor ours = new PortraitEditor(pm);
        runAll(results, seconds, OURS, cases, progress, c -> ours.edit(new PortraitEditRequest(c.source(),
                c.direction().target(), PortraitEditRequest.Scales.PAPER, 20, MaskSettings.PAPER, seed)).image());
        runAll(results, seconds, OURS_CODE, cases, progress, c -> ours.edit(new PortraitEditRequest(c.source(),
                c.direction().target(), PortraitEditRequest.Scales.CODE, 20, CODE_MASK, seed)).image());
        runAll(results, seconds, NO_MASK, cases, progress, c -> ours.edit(new PortraitEditRequest(c.source(),
                c.direction().target(), PortraitEditRequest.Scales.CODE, 20, MaskSettings.OFF, seed)).image());
        for (Map.Entry<String, String> a : ablations.entrySet()) {
            PortraitEditor ablation = new PortraitEditor(store.portrait(a.getValue()));
            runAll(results, seconds, "portrait " + a.getKey() + " (code settings)", cases, progress, c -> ablation.edit(
                    new PortraitEditRequest(c.source(), c.direction().target(), PortraitEditRequest.Scales.CODE, 20,
                            CODE_MASK, seed)).image());
        }
        if (baselines) {
            LatentDiffusion base = pm.base();
            Img2ImgEditor img2img = new Img2ImgEditor(base);
            DiffEditEditor diffEdit = new DiffEditEditor(base);
            for (double strength : new double[]{0.5, 0.8}) {
                runAll(results, seconds, strength == 0.5 ? SDEDIT_05 : SDEDIT_08, cases, progress, c -> img2img.edit(
                        new Img2ImgRequest(c.source(), c.targetCaption(), "", strength, 50, 5.0, SamplerKind.DDIM,
                                seed)).image());
            }
            runAll(results, seconds, DIFFEDIT, cases, progress, c -> diffEdit.edit(DiffEditRequest.of(c.source(),
                    c.targetCaption(), c.sourceCaption()).withSeed(seed)).image());
        }
        List<Row> rows = score(judge, cases, results, seconds, manWoman);
        List<Integer> unseen = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (manWoman && !cases.get(i).truthSeen()) {
                unseen.add(i);
            }
        }
        List<Row> unseenRows = List.of();
        if (unseen.size() >= 2) {
            Map<String, List<RgbImage>> sub = new LinkedHashMap<>();
            results.forEach((k, v) -> sub.put(k, unseen.stream().map(v::get).toList()));
            unseenRows = score(judge, unseen.stream().map(cases::get).toList(), sub, seconds, true);
        }
        Result r = new Result(task, cases.size(), rows, unseen.size(), unseenRows);
        report(out, pm, r, cases, results, manWoman);
        return r;
    }

    private static void runAll(Map<String, List<RgbImage>> results, Map<String, Double> seconds, String method,
                               List<Case> cases, Function<String, StepListener> progress,
                               Function<Case, RgbImage> edit) {
        StepListener bar = progress.apply(method);
        List<RgbImage> out = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < cases.size(); i++) {
            try (PointerScope ignored = new PointerScope()) {
                out.add(edit.apply(cases.get(i)));
            }
            bar.onStep(i + 1, cases.size(), Double.NaN);
        }
        results.put(method, out);
        seconds.put(method, (System.nanoTime() - t0) / 1e9 / cases.size());
    }

    /** The region where source and truth differ (|Δ| > 0.1 in any channel), dilated 2 px. */
    static Mask truthRegion(RgbImage source, RgbImage truth) {
        boolean[] changed = EditRegions.changed(source, truth, EditRegions.DEFAULT_THRESHOLD);
        float[] v = new float[changed.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = changed[i] ? 1f : 0f;
        }
        return new Mask(source.width(), source.height(), v).dilate(2);
    }

    static List<Row> score(EmojiJudge judge, List<Case> cases, Map<String, List<RgbImage>> results,
                           Map<String, Double> seconds, boolean manWoman) {
        int n = cases.size();
        JudgeScores src = JudgeScores.of(judge, ImageTensors.toTensor(cases.stream().map(Case::source).toList()),
                m -> { });
        JudgeScores truth = manWoman ? JudgeScores.of(judge, ImageTensors.toTensor(cases.stream().map(Case::truth)
                .toList()), m -> { }) : null;
        JudgeScores reference = truth != null ? truth : realTargets(judge, cases);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<RgbImage>> e : results.entrySet()) {
            List<RgbImage> outs = e.getValue();
            JudgeScores s = JudgeScores.of(judge, ImageTensors.toTensor(outs), m -> { });
            double ssim = 0;
            double dist = 0;
            double success = 0;
            for (int i = 0; i < n; i++) {
                Case c = cases.get(i);
                if (manWoman) {
                    ssim += Metrics.ssim(c.source(), outs.get(i), 1.0, truthRegion(c.source(), c.truth()), true);
                    double toTruth = JudgeScores.cosine(s.features()[i], truth.features()[i]);
                    dist += 1 - toTruth;
                    success += toTruth > JudgeScores.cosine(s.features()[i], src.features()[i]) ? 1 : 0;
                } else {
                    ssim += Metrics.ssim(c.source(), outs.get(i), 1.0);
                    int target = judge.config().subcategories().indexOf(c.targetSubcategory());
                    success += s.top1(i) == target ? 1 : 0;
                }
            }
            rows.add(new Row(e.getKey(), n, ssim / n, manWoman ? dist / n : Double.NaN, s.frechetDistance(reference),
                    success / n, seconds.get(e.getKey())));
        }
        return rows;
    }

    /** For expression: the judge's reading of the real yellow faces of the cases' target subcategories. */
    private static JudgeScores realTargets(EmojiJudge judge, List<Case> cases) {
        EmojiDataset data = EmojiDataset.load();
        List<String> subs = cases.stream().map(Case::targetSubcategory).distinct().toList();
        List<RgbImage> real = data.images().stream().filter(dev.retouch.data.emoji.PanelPairs::isYellowFace)
                .filter(i -> subs.contains(i.base().subcategory())).map(data::rgbImage).toList();
        return JudgeScores.of(judge, ImageTensors.toTensor(real), m -> { });
    }

    private static void report(Path out, PortraitModel pm, Result r, List<Case> cases,
                               Map<String, List<RgbImage>> results, boolean manWoman) {
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(r.fields()));
        HtmlReport html = new HtmlReport(out, "Portrait editing (paper 003, Table 1), task " + r.task());
        List<List<Object>> table = new ArrayList<>();
        r.rows().forEach(row -> table.add(List.of(row.method(), row.ssim(), Double.isNaN(row.featureDistance()) ? "-"
                : row.featureDistance(), row.fd(), row.success(), row.seconds())));
        html.section("Summary", cases.size() + " cases; " + (manWoman
                ? "SSIM to the source outside the region where source and ground truth differ; judge-feature "
                + "distance 1 − cos to the truth; judge-FD against the truths; success = judge features closer to "
                + "the truth than to the source."
                : "SSIM to the source; judge-FD against the real yellow faces of the target subcategories; success "
                + "= the judge's top-1 is the target emoji's subcategory.") + " All by the evaluation-only judge.");
        html.table(List.of("method", manWoman ? "SSIM outside the truth's region" : "SSIM to source",
                "judge distance to truth", "judge-FD", "success", "seconds per edit"), table);
        if (!r.unseenRows().isEmpty()) {
            List<List<Object>> t2 = new ArrayList<>();
            r.unseenRows().forEach(row -> t2.add(List.of(row.method(), row.ssim(), row.featureDistance(), row.fd(),
                    row.success())));
            html.section("Cases whose truth the base model never saw", r.unseenCases() + " of the " + cases.size()
                    + " cases: the woman (or man) image is not in the train split, so SDEdit and DiffEdit, given its "
                    + "full caption, cannot recall it from training.");
            html.table(List.of("method", "SSIM outside the truth's region", "judge distance to truth", "judge-FD",
                    "success"), t2);
        }
        html.section("Cases", "Columns: " + String.join(", ", results.keySet()) + ".");
        List<RgbImage> grid = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < Math.min(16, cases.size()); i++) {
            for (Map.Entry<String, List<RgbImage>> e : results.entrySet()) {
                grid.add(e.getValue().get(i));
                caps.add(e.getKey().equals(INPUT) ? cases.get(i).id() : e.getKey());
            }
        }
        html.images(grid, caps, 2);
        html.write();
    }
}
