package dev.retouch.eval.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.rectifier.DiffusionClipTask;
import dev.retouch.edit.rectifier.DirectionalClipLoss;
import dev.retouch.edit.rectifier.EditImages;
import dev.retouch.edit.rectifier.Rectifier;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.reconstruction.ReconstructionBenchmark;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Paper 002's Table 2 and Fig. 6 on emojis. For every rectifier edit: the test faces ({@code test:face-}) are
 * edited (1) by the rectifier edit (Algorithm 1, whole interval, {@code steps} DDIM steps each way), (2) by a
 * DiffusionCLIP-style baseline — the whole UNet fine-tuned Markovian with the same losses, prompts, training images,
 * optimizer steps and batch as the edit — over [0, t₀], and (3) by the same baseline over the full interval
 * (t₀ = T − 1, the ablation of Fig. 6); (0) the base model's DDIM reconstruction is the unedited reference. The
 * evaluation-only judge scores each: identity = cosine of its features between input and result (paper: identity
 * similarity), attribute = the share of results whose top-1 subcategory is the edit's target subcategory; L1 to the
 * input is the change in pixels. The CLIP model drove every training, so it judges nothing here. Baselines are
 * trained into {@code OUT/baselines} (checkpointed; an interrupted run resumes) and reused on the next run while
 * the edit's spec is the same (a retrained edit gets new baselines). The
 * full-interval ablation runs on the first edit only (the paper shows it on one attribute). An attribute the judge
 * cannot see (e.g. a skin tone: the judge reads subcategories) is scored against true targets instead: with a
 * {@code truth} folder holding, under each evaluation image's file name, the image the edit should produce, every
 * method also gets its mean L1 to that truth (the unedited input's is reported beside it), split into the edit region
 * (the pixels where the truth differs from the input by more than {@link #REGION} in the mean of the channels) and the
 * rest: <i>progress</i> = 1 − L1_region(result, truth) / L1_region(input, truth) (1: the truth's pixels, 0: no closer
 * than the input, below 0: further away) and the L1 to the input outside the region (damage where nothing should
 * change).
 */
public final class RectifierBenchmark {
    private RectifierBenchmark() {
    }

    /**
     * @param edits        edit name (or directory) → the judge subcategory its target prompt means
     * @param judge        the evaluation-only judge's name
     * @param images       the evaluation images ({@link EditImages} spec), e.g. {@code test:face-}
     * @param steps        DDIM steps each way of the rectifier edit and the reconstruction
     * @param t0           the DiffusionCLIP-style baseline's edit interval [0, t₀]
     * @param baselineSteps DDIM steps each way of the baselines at test time (DiffusionCLIP: 40)
     * @param genSteps     the baselines' regeneration steps during fine-tuning (DiffusionCLIP: 6)
     * @param baselineLr   the baselines' Adam learning rate (constant)
     * @param baselines    false to score the edits and the reconstruction only (no baseline training)
     * @param truth        a folder of true targets named as the evaluation images, or null; an edit whose target
     *                     subcategory is empty is then read by this truth alone
     */
    public record Config(Map<String, String> edits, String judge, String images, int steps, int t0, int baselineSteps,
                         int genSteps, double baselineLr, boolean baselines, String truth) {
        public Config {
            if (edits.isEmpty()) {
                throw new InvalidRequestException("give at least one edit");
            }
            if (steps < 1 || baselineSteps < 1 || genSteps < 1) {
                throw new InvalidRequestException("steps must be >= 1");
            }
            if (!(baselineLr > 0)) {
                throw new InvalidRequestException("the baseline learning rate must be > 0");
            }
            edits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(edits));
        }

        public static Config defaults() {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("rectifier-crying", "face-concerned");
            return new Config(e, "emoji-judge", "test:face-", 50, 500, 40, 6, 1e-4, true, null);
        }
    }

    /** One method on one edit's evaluation images. */
    public record Row(String edit, String method, double identity, double targetShare, double targetProbability,
                      double l1, double l1ToTruth, double progress, double outsideL1, double clipAlignment,
                      double seconds, double trainSeconds) {
        Map<String, Object> fields() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("edit", edit);
            r.put("method", method);
            r.put("judge_identity", identity);
            if (!Double.isNaN(targetShare)) { // the judge reads the target only when it names a subcategory
                r.put("judge_target_top1", targetShare);
                r.put("judge_target_probability", targetProbability);
            }
            r.put("l1_to_input", l1);
            if (!Double.isNaN(l1ToTruth)) {
                r.put("l1_to_truth", l1ToTruth);
                r.put("truth_region_progress", Double.isNaN(progress) ? null : progress); // null: no edit region
                r.put("outside_region_l1", outsideL1);
            }
            r.put("clip_direction_cos", clipAlignment);
            r.put("seconds", seconds);
            if (!Double.isNaN(trainSeconds)) {
                r.put("train_seconds", trainSeconds);
            }
            return r;
        }
    }

    public record Result(Config config, int images, List<Row> rows, double inputL1ToTruth) {
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("images", config.images());
            f.put("count", images);
            if (config.truth() != null) {
                f.put("truth", config.truth());
                f.put("input_l1_to_truth", inputL1ToTruth);
            }
            f.put("steps", config.steps());
            f.put("t0", config.t0());
            f.put("results", rows.stream().map(Row::fields).toList());
            return f;
        }

        /** The row of {@code method} on {@code edit}. */
        public Row row(String edit, String method) {
            return rows.stream().filter(r -> r.edit().equals(edit) && r.method().equals(method)).findFirst()
                    .orElseThrow();
        }
    }

    public static final String RECONSTRUCTION = "base model, reconstruction (no edit)";
    public static final String OURS = "rectifier edit (Algorithm 1)";
    public static final String DIFFUSION_CLIP = "DiffusionCLIP-style";
    public static final String FULL = "DiffusionCLIP-style, full interval";

    /** Runs the benchmark into {@code out}; {@code progress} gets a listener per labelled phase. */
    public static Result run(ModelStore store, Config c, Path out, Function<String, StepListener> progress,
                             Consumer<String> warnings) {
        EmojiJudge judge = EmojiJudge.fromStore(store, c.judge());
        Reports.directory(out);
        HtmlReport html = new HtmlReport(out, "Rectifier edits (paper 002, Table 2 and Fig. 6) on emoji test faces");
        List<Row> rows = new ArrayList<>();
        int count = 0;
        double inputToTruth = Double.NaN;
        for (Map.Entry<String, String> e : c.edits().entrySet()) {
            String name = e.getKey();
            RectifierEdit edit = store.rectifierEdit(name);
            boolean judged = !e.getValue().isEmpty();
            int target = judged ? judge.config().subcategories().indexOf(e.getValue()) : -1;
            if (judged && target < 0) {
                throw new InvalidRequestException("the judge has no subcategory \"" + e.getValue() + "\"");
            }
            if (!judged && c.truth() == null) {
                throw new InvalidRequestException("edit " + name + ": give its target subcategory (NAME=SUBCATEGORY) "
                        + "or a --truth folder: nothing would read whether it made its edit");
            }
            RectifierEdit.Spec spec = edit.spec();
            PixelDiffusionModel base = edit.editing().base();
            int size = base.sampleSize();
            EditImages.Selection eval = EditImages.load(c.images(), size, Long.MAX_VALUE, EmojiDataset::load);
            count = eval.images().size();
            List<RgbImage> truth = c.truth() == null ? null : truth(Path.of(c.truth()), eval, size);
            if (truth != null) {
                double sum = 0;
                for (int i = 0; i < count; i++) {
                    sum += ReconstructionBenchmark.errors(truth.get(i), eval.images().get(i))[0];
                }
                inputToTruth = sum / count;
            }
            Tensor x0 = ImageTensors.toTensor(eval.images());
            Map<String, List<RgbImage>> results = new LinkedHashMap<>();
            Map<String, Double> seconds = new LinkedHashMap<>();
            Map<String, Double> train = new LinkedHashMap<>();
            timed(results, seconds, RECONSTRUCTION, () -> PixelPipelines.reconstruct(base, x0, c.steps(),
                    LoopHooks.NONE).image());
            timed(results, seconds, OURS, () -> edit.apply(x0, c.steps(), LoopHooks.NONE));
            Path baseDir = Rectifier.baseDir(store.resolveEffect(name), edit.editing().rectifier().config(),
                    store::resolve);
            // the full-interval ablation (paper Fig. 6, on one attribute there) on the first edit
            List<String> baselines = !c.baselines() ? List.of()
                    : rows.isEmpty() ? List.of(DIFFUSION_CLIP, FULL) : List.of(DIFFUSION_CLIP);
            for (String method : baselines) {
                int t0 = method.equals(FULL) ? base.schedule().numTrainTimesteps() - 1 : c.t0();
                Path dir = out.resolve("baselines").resolve(Path.of(name).getFileName() + "-t" + t0);
                double[] trainSecs = {Double.NaN};
                PixelDiffusionModel tuned = baseline(store, spec, base, baseDir, c, t0, dir, progress.apply(
                        "train " + method + " (" + name + ")"), trainSecs);
                train.put(method, trainSecs[0]);
                timed(results, seconds, method, () -> DiffusionClipTask.edit(base, tuned, x0, t0, c.baselineSteps()));
            }
            // the training objective, for reading the results (never a judge): cos(ΔI, ΔT) of emoji-clip
            DirectionalClipLoss objective = new DirectionalClipLoss(clip(store), spec.source(), spec.target());
            JudgeScores in = JudgeScores.of(judge, x0, n -> { });
            for (var r : results.entrySet()) {
                JudgeScores s = JudgeScores.of(judge, ImageTensors.toTensor(r.getValue()), n -> { });
                double id = 0;
                double top = 0;
                double prob = 0;
                double l1 = 0;
                double l1Truth = 0;
                double[] region = new double[3]; // Σ L1_region(result, truth), Σ L1_region(input, truth), Σ outside L1
                for (int i = 0; i < s.size(); i++) {
                    id += JudgeScores.cosine(in.features()[i], s.features()[i]);
                    top += s.top1(i) == target ? 1 : 0;
                    prob += judged ? s.probability(i, target) : 0;
                    l1 += ReconstructionBenchmark.errors(eval.images().get(i), r.getValue().get(i))[0];
                    if (truth != null) {
                        l1Truth += ReconstructionBenchmark.errors(truth.get(i), r.getValue().get(i))[0];
                        double[] g = regionErrors(eval.images().get(i), truth.get(i), r.getValue().get(i));
                        for (int k = 0; k < 3; k++) {
                            region[k] += g[k];
                        }
                    }
                }
                int n = s.size();
                double align = 0;
                try (PointerScope ignored = new PointerScope()) {
                    for (float a : objective.alignment(x0, ImageTensors.toTensor(r.getValue()))) {
                        align += a;
                    }
                }
                rows.add(new Row(name, r.getKey(), id / n, judged ? top / n : Double.NaN,
                        judged ? prob / n : Double.NaN, l1 / n, truth == null ? Double.NaN : l1Truth / n,
                        truth == null ? Double.NaN : 1 - region[0] / region[1],
                        truth == null ? Double.NaN : region[2] / n,
                        align / n,
                        seconds.get(r.getKey()), train.getOrDefault(r.getKey(), Double.NaN)));
            }
            html.section(name + ": \"" + spec.source() + "\" → \"" + spec.target() + "\"", "Columns: input, "
                    + String.join(", ", results.keySet()) + (truth == null ? "" : ", true target") + ". "
                    + (judged ? "Judge target subcategory: " + e.getValue() + "." : "Read against the true targets."));
            List<RgbImage> grid = new ArrayList<>();
            List<String> caps = new ArrayList<>();
            for (int i = 0; i < Math.min(12, count); i++) {
                grid.add(eval.images().get(i));
                caps.add(eval.names().get(i));
                for (var r : results.entrySet()) {
                    grid.add(r.getValue().get(i));
                    caps.add(r.getKey());
                }
                if (truth != null) {
                    grid.add(truth.get(i));
                    caps.add("true target");
                }
            }
            html.images(grid, caps, 3);
        }
        Result r = new Result(c, count, List.copyOf(rows), inputToTruth);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(r.fields()));
        List<List<Object>> table = new ArrayList<>();
        rows.forEach(row -> table.add(List.of(row.edit(), row.method(), row.identity(), orDash(row.targetShare()),
                orDash(row.targetProbability()), row.l1(), orDash(row.l1ToTruth()), orDash(row.progress()),
                orDash(row.outsideL1()), row.clipAlignment(), row.seconds(), orDash(row.trainSeconds()))));
        html.section("Summary", count + " images (" + c.images() + "); identity and attribute by the evaluation-only "
                + "judge" + (c.truth() == null ? "" : "; true targets from " + c.truth() + " (the input's L1 to them: "
                + String.format(Locale.ROOT, "%.4f", inputToTruth) + ")"));
        html.table(List.of("edit", "method", "judge identity", "judge: target top-1", "judge: P(target)",
                "L1 to input", "L1 to true target", "edit-region progress to the truth", "L1 to input outside the "
                + "edit region", "emoji-clip cos(ΔI, ΔT) (training objective)", "seconds", "train seconds"), table);
        html.write();
        return r;
    }

    /** Mean channel difference above which a pixel belongs to the edit region (truth vs input). */
    public static final double REGION = 0.1;

    /**
     * For one image: {Σ over the edit region of |result − truth|, the same for the input, the mean |result − input|
     * outside the region} (sums over the region's samples: the ratio of the first two is the progress).
     */
    static double[] regionErrors(RgbImage input, RgbImage truth, RgbImage result) {
        float[] in = input.chw();
        float[] tr = truth.chw();
        float[] out = result.chw();
        int plane = input.width() * input.height();
        double inside = 0;
        double inputInside = 0;
        double outside = 0;
        int outsideCount = 0;
        for (int p = 0; p < plane; p++) {
            double d = 0;
            for (int c = 0; c < 3; c++) {
                d += Math.abs(tr[c * plane + p] - in[c * plane + p]) / 3;
            }
            for (int c = 0; c < 3; c++) {
                int i = c * plane + p;
                if (d > REGION) {
                    inside += Math.abs(out[i] - tr[i]);
                    inputInside += Math.abs(in[i] - tr[i]);
                } else {
                    outside += Math.abs(out[i] - in[i]);
                    outsideCount++;
                }
            }
        }
        return new double[]{inside, inputInside, outsideCount == 0 ? 0 : outside / outsideCount};
    }

    private static Object orDash(double v) {
        return Double.isNaN(v) ? "-" : v;
    }

    /** The true target of every evaluation image: {@code folder/<its file name>}, resized to the model's size. */
    private static List<RgbImage> truth(Path folder, EditImages.Selection eval, int size) {
        List<RgbImage> out = new ArrayList<>();
        for (String name : eval.names()) {
            Path f = folder.resolve(name);
            if (!Files.isRegularFile(f)) {
                throw new InvalidRequestException("truth " + folder + ": no " + name + " (every evaluation image needs "
                        + "its true target under the same file name)");
            }
            out.add(Resize.square(Images.read(f, Long.MAX_VALUE), size));
        }
        return out;
    }

    /** emoji-clip, loaded once per store (the edits' objective and the baselines' loss share it; it stays frozen). */
    private static Clip clip(ModelStore store) {
        return store.load(store.resolve("emoji-clip"), Clip.class, Clip::load);
    }

    private static void timed(Map<String, List<RgbImage>> results, Map<String, Double> seconds, String method,
                              java.util.function.Supplier<Tensor> run) {
        long t0 = System.nanoTime();
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            results.put(method, ImageTensors.fromBatch(run.get()));
        }
        seconds.put(method, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The DiffusionCLIP-style model for one edit: reused from {@code dir/model} when there, else fine-tuned with the
     * edit's prompts, images, steps and batch and saved there.
     */
    private static PixelDiffusionModel baseline(ModelStore store, RectifierEdit.Spec spec, PixelDiffusionModel base,
                                                Path baseDir, Config c, int t0, Path dir, StepListener bar,
                                                double[] trainSeconds) {
        Path modelDir = dir.resolve("model");
        Path made = dir.resolve("for-edit.json"); // the edit spec the baseline was trained for
        if (Files.isDirectory(modelDir) && Files.isRegularFile(made)
                && Json.read(made, RectifierEdit.Spec.class).equals(spec)) {
            return PixelDiffusionModel.load(modelDir);
        }
        if (Files.exists(dir)) { // made for another version of the edit: train it again
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (java.io.IOException e) {
                throw new RetouchException("cannot clear the stale baseline " + dir + ": " + e.getMessage(), e);
            }
        }
        PixelDiffusionModel tuned = PixelDiffusionModel.load(baseDir);
        DirectionalClipLoss direction = new DirectionalClipLoss(clip(store), spec.source(), spec.target());
        Tensor data = EditImages.tensor(EditImages.load(spec.images(), base.sampleSize(), Long.MAX_VALUE,
                EmojiDataset::load));
        TrainConfig tc = new TrainConfig(spec.steps(), spec.batch(), c.baselineLr(), 0, 0.0, 1.0, 0.0, 50, 0);
        Trainer trainer = new Trainer(new DiffusionClipTask(base, tuned, direction, data, t0, c.baselineSteps(),
                c.genSteps(), spec.lambdaClip(), spec.lambdaL1()), tc, dir, false);
        if (Files.exists(dir.resolve(Trainer.CHECKPOINT))) {
            trainer.resume(); // an interrupted run continues exactly
        }
        Trainer.Result r = trainer.run(bar);
        if (!r.finished()) {
            throw new RetouchException("the baseline's training stopped at step " + r.steps());
        }
        trainSeconds[0] = trainer.seconds();
        tuned.save(modelDir, trainer.finalWeights(), String.format(Locale.ROOT, """
                # DiffusionCLIP-style baseline "%s" → "%s" (made by `retouch eval rectifier`)

                %s fine-tuned whole, Markovian (DiffusionCLIP): inverted by the frozen model to t0 = %d in %d DDIM
                steps, regenerated in %d steps with the gradient through the chain; loss %s·L_direction + %s·L1 as
                the rectifier edit's; %d steps of batch %d on `%s`, Adam lr %s; %.0f s.
                """, spec.source(), spec.target(), baseDir.getFileName(), t0, c.baselineSteps(), c.genSteps(),
                spec.lambdaClip(), spec.lambdaL1(), spec.steps(), spec.batch(), spec.images(), c.baselineLr(),
                trainer.seconds()));
        Json.write(made, spec);
        return PixelDiffusionModel.load(modelDir); // the saved fp16 weights, as a later run that reuses them reads
    }
}
