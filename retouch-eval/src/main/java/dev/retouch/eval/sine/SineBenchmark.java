package dev.retouch.eval.sine;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.metrics.TradeOff;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.sine.SineAutoV;
import dev.retouch.edit.sine.SineConfig;
import dev.retouch.edit.sine.SineFinetune;
import dev.retouch.edit.sine.SineModel;
import dev.retouch.edit.sine.SineRequest;
import dev.retouch.edit.sine.SineSampling;
import dev.retouch.edit.sine.Variant;
import dev.retouch.eval.clip.ClipScorer;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * SINE against its baselines on held-out emoji faces (paper 001's evaluation at emoji scale): for the first
 * {@link Config#emojis()} default-tone "… face" emoji of the test split, fine-tune with and without patches (or
 * reuse a fine-tune made by an earlier run with the same settings in {@code OUT/models}), edit with fixed prompts and
 * score fidelity (SSIM, emoji-clip image similarity, judge feature similarity) and alignment (emoji-clip text score,
 * judge top-1 = the prompt's subcategory) for SINE, SINE with the no-patches model, the fine-tuned model alone,
 * SDEdit at 0.5 and 0.8 and the pretrained model alone; trade-off verdicts; sweeps over K and v; other sizes.
 */
public final class SineBenchmark {
    /** The class word of every fine-tune (the sources are faces). */
    public static final String CLASS = "face";
    /** The edit prompts. */
    public static final List<String> EDITS = List.of("smiling face with sunglasses", "crying face");
    static final int[] K_SWEEP = {0, 200, 400, 600, 800, 1000};
    static final double[] V_SWEEP = {0.0, 0.25, 0.5, 0.7, 0.85, 1.0};

    /**
     * What to evaluate.
     *
     * @param model         the pretrained latent model (name or directory)
     * @param emojis        source faces from the test split, in [1, 100]
     * @param finetuneSteps fine-tune steps with patches, in [1, 10⁶]
     * @param finetuneStepsNoPatches fine-tune steps of the no-patches variant, in [1, 10⁶]
     * @param steps         sampling steps, in [1, 1000]
     * @param guidance      guidance scale, in [0, 100]
     * @param seed          seed of fine-tuning (plus the source's index) and sampling
     * @param judge         the evaluation-only judge; its columns are left out with a warning when absent
     * @param split         where the sources come from: {@link Split#TEST} (the reported numbers) or
     *                      {@link Split#VALIDATION} (for choosing K and v without looking at the test split)
     * @param grid          also edit with every (K, v) of the sweeps' values, both prompts, and name the setting
     *                      with the highest SSIM among those whose prompt agreement is at least SDEdit 0.5's
     */
    public record Config(String model, int emojis, int finetuneSteps, int finetuneStepsNoPatches, int steps,
                         double guidance, long seed, String judge, Split split, boolean grid) {
        public Config {
            if (split == Split.TRAIN) {
                throw new InvalidRequestException("split must be validation or test (emoji-ldm was trained on train)");
            }
            range("emojis", emojis, 1, 100);
            range("steps", steps, 1, 1000);
            range("guidance", guidance, 0, 100);
            range("finetune steps", finetuneSteps, 1, 1_000_000);
            range("finetune steps without patches", finetuneStepsNoPatches, 1, 1_000_000);
        }

        private static void range(String name, double v, double min, double max) {
            if (!(v >= min && v <= max)) {
                throw new InvalidRequestException(name + " must be in [" + (long) min + ", " + (long) max + "], got " + v);
            }
        }
    }

    /** The report ({@code report.json}'s fields, in its order). */
    public record Result(Config config, Map<String, Object> fields) {
    }

    private final ModelStore store;
    private final Config c;
    private final Path out;
    private final Function<String, StepListener> progress;
    private final Consumer<String> notices;
    private final Consumer<String> warnings;
    private final String model;
    private final int steps;
    private final double guidance;
    private final long seed;
    private final int finetuneSteps;
    private final int finetuneStepsNoPatches;

    private SineBenchmark(ModelStore store, Config c, Path out, Function<String, StepListener> progress,
                          Consumer<String> notices) {
        this.store = store;
        this.c = c;
        this.out = out;
        this.progress = progress;
        this.notices = notices;
        this.warnings = m -> notices.accept("warning: " + m);
        this.model = c.model();
        this.steps = c.steps();
        this.guidance = c.guidance();
        this.seed = c.seed();
        this.finetuneSteps = c.finetuneSteps();
        this.finetuneStepsNoPatches = c.finetuneStepsNoPatches();
    }

    /**
     * Fine-tunes (or reuses, from {@code OUT/models}) both SINE variants per source, edits, scores and writes
     * {@code report.json} and {@code index.html} into {@code out}.
     *
     * @param progress a listener per fine-tune, by label ("finetune 0 PATCHES")
     * @param notices  complete notice lines ("warning: …", "eval sine: reusing …")
     */
    public static Result run(ModelStore store, EmojiDataset ds, Config config, Path out,
                             Function<String, StepListener> progress, Consumer<String> notices) {
        return new SineBenchmark(store, config, out, progress, notices).run(ds);
    }

    /**
     * One output's scores: SSIM and emoji-clip image similarity to the source and emoji-clip text score (emoji-clip
     * conditions emoji-ldm, so these are not independent), and by emoji-judge (evaluation-only; NaN without one):
     * whether its top-1 subcategory is the prompt's emoji's, and the cosine of its features with the source's.
     */
    public record Score(double ssim, double clipImage, double clipText, double judgeTarget, double judgeSimilarity) {
        Score withoutSsim() {
            return new Score(Double.NaN, clipImage, clipText, judgeTarget, judgeSimilarity);
        }
    }

    private EmojiJudge judge;
    private final Map<String, Long> promptClass = new LinkedHashMap<>();

    private Result run(EmojiDataset dataset) {
        long t0 = System.nanoTime();
        Path baseDir = store.resolve(model);
        LatentDiffusion ld = store.latent(model);
        judgeTargets(dataset);
        String splitName = c.split().name().toLowerCase(Locale.ROOT);
        List<EmojiImage> sources = dataset.images(c.split()).stream().filter(i -> !i.isVariant())
                .filter(i -> name(i).endsWith(" face")).sorted(Comparator.comparing(SineBenchmark::name))
                .limit(c.emojis()).toList();
        if (sources.isEmpty()) {
            throw new RetouchException("no default-tone '... face' emoji in the " + splitName + " split of "
                    + "the emoji set");
        }
        Reports.directory(out); // after the models load: a refused run leaves nothing behind
        HtmlReport html = new HtmlReport(out, "SINE on held-out emoji (" + model + ", " + splitName + " split)");
        if (judge != null) {
            html.judge(new JudgeView(judge));
        }
        Map<String, List<Score>> methods = new LinkedHashMap<>();
        Map<String, List<Score>> sweeps = new LinkedHashMap<>();
        Map<String, List<Score>> sizes = new LinkedHashMap<>();
        Map<String, List<Score>> grid = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            EmojiImage e = sources.get(i);
            names.add(name(e));
            RgbImage src = new RgbImage(ld.imageSize(), ld.imageSize(), dataset.rgb(e, ld.imageSize()));
            SineModel patches = finetune(ld, baseDir, src, Variant.PATCHES, i);
            SineModel whole = finetune(ld, baseDir, src, Variant.NO_PATCHES, i);
            compare(ld, src, name(e), patches, whole, methods, sweeps, html);
            sweep(ld, src, patches, sweeps);
            if (c.grid()) {
                grid(ld, src, patches, grid);
            }
            anyResolution(ld, src, name(e), patches, whole, sizes, html);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("split", splitName);
        report.put("sources", names);
        report.put("class", CLASS);
        report.put("edits", EDITS);
        Map<String, Object> tuneSteps = new LinkedHashMap<>(); // ordered: the same run writes the same bytes
        tuneSteps.put("patches", finetuneSteps);
        tuneSteps.put("no_patches", finetuneStepsNoPatches);
        report.put("finetune_steps", tuneSteps);
        report.put("sampler", "ddim " + steps + " steps, guidance " + guidance + ", v "
                + SineRequest.DEFAULT_V + ", K " + SineRequest.DEFAULT_K);
        report.put("methods", means(methods));
        report.put("auto_v", autoV);
        report.put("verdicts", verdicts(methods));
        report.put("sweeps", means(sweeps));
        report.put("sweep_verdicts", sweepVerdicts(sweeps));
        if (c.grid()) {
            report.put("grid", means(grid));
            report.put("grid_choice", gridChoice(grid, methods.get("SDEdit 0.5")));
        }
        report.put("any_resolution", means(sizes));
        report.put("seconds", (System.nanoTime() - t0) / 1e9);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        html.section("Summary", sources.size() + " source emoji × " + EDITS.size() + " edit prompts; "
                + "fidelity = SSIM and emoji-clip image similarity to the source, alignment = emoji-clip text-image "
                + "score of the edit prompt (means).");
        table(html, "Methods", methods);
        verdictTable(html, verdicts(methods));
        table(html, "Sweeps over K (v = 0.7) and v (K = 400), first edit prompt, with SDEdit on the same cases", sweeps);
        sweepVerdictTable(html, sweepVerdicts(sweeps));
        if (c.grid()) {
            table(html, "Grid over K and v, both edit prompts (" + splitName + " split; SDEdit 0.5 on the same "
                    + "cases: " + means(Map.of("", methods.get("SDEdit 0.5"))).get("") + ")", grid);
        }
        table(html, "Other sizes (no SSIM: sizes differ)", sizes);
        html.write();
        return new Result(c, report);
    }

    /** The emoji's name: its caption up to the first comma (e.g. "grinning face"). */
    public static String name(EmojiImage e) {
        int comma = e.caption().indexOf(',');
        return comma < 0 ? e.caption() : e.caption().substring(0, comma);
    }

    private SineModel finetune(LatentDiffusion ld, Path baseDir, RgbImage src, Variant variant, int index) {
        int n = variant == Variant.PATCHES ? finetuneSteps : finetuneStepsNoPatches;
        // test-split models keep the names of earlier runs; another split's sources are other images
        String split = c.split() == Split.TEST ? "" : c.split().name().toLowerCase(Locale.ROOT) + "-";
        Path dir = out.resolve("models").resolve(split + index + "-" + variant.name().toLowerCase(Locale.ROOT) + "-seed"
                + seed);
        String baseRef = dir.toAbsolutePath().normalize().relativize(baseDir.toAbsolutePath().normalize()).toString();
        SineModel done = reusable(dir, variant, n, baseRef, baseDir);
        if (done != null) {
            notices.accept("eval sine: reusing " + dir + " (delete it to fine-tune again)");
            return done;
        }
        SineFinetune ft = new SineFinetune(ld, ImageTensors.toTensor(src), CLASS, variant, baseRef,
                SineFinetune.trainConfig(n, SineFinetune.DEFAULT_BATCH, SineFinetune.DEFAULT_LEARNING_RATE, 0, seed + index),
                dir.resolve(SineFinetune.RUN_DIR), warnings);
        ft.trainer().run(progress.apply("finetune " + index + " " + variant));
        ft.save(dir, "# SINE model for eval sine (source " + index + ", " + variant + ", " + n + " steps, seed "
                + (seed + index) + ")\n");
        return SineModel.load(dir); // the stored (fp16) weights, as `edit sine --tuned` and a later reuse see them
    }

    /**
     * The model already fine-tuned in {@code dir} by an earlier run with the same variant, steps, seed (in the
     * directory's name) and base, written after the base's weights and config (a model card edited later does not
     * count); null when there is none or it differs.
     */
    private static SineModel reusable(Path dir, Variant variant, int steps, String baseRef, Path baseDir) {
        if (!Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG))) {
            return null;
        }
        SineModel m = SineModel.load(dir);
        SineConfig sc = m.config();
        if (sc.variant() != variant || sc.steps() != steps || !sc.base().equals(baseRef)) {
            return null;
        }
        return newestModification(dir, f -> true) > newestModification(baseDir, SineBenchmark::definesModel) ? m : null;
    }

    /** Whether a file of a model directory is part of what the model computes: weights or config. */
    private static boolean definesModel(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".safetensors") || n.equals(ModelDirectory.CONFIG);
    }

    private static long newestModification(Path root, java.util.function.Predicate<Path> counted) {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(counted).mapToLong(f -> {
                try {
                    return Files.getLastModifiedTime(f).toMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SineRequest request(String prompt, int w, int h, boolean positional) {
        return new SineRequest(prompt, SineRequest.DEFAULT_V, SineRequest.DEFAULT_K, guidance, w, h, positional);
    }

    private RgbImage sample(Supplier<Tensor> run) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ignored2 = new NoGradGuard()) {
            return ImageTensors.fromTensor(run.get());
        }
    }

    private void compare(LatentDiffusion ld, RgbImage src, String caption, SineModel patches, SineModel whole,
                         Map<String, List<Score>> methods, Map<String, List<Score>> sweeps, HtmlReport html) {
        int s = ld.imageSize();
        for (String prompt : EDITS) {
            SineRequest r = request(prompt, s, s, true);
            Map<String, RgbImage> outs = new LinkedHashMap<>();
            outs.put("SINE", sample(() -> SineSampling.edit(ld, patches, r, ddim(ld), gen(), LoopHooks.NONE, warnings)));
            // our extension (SineAutoV): v chosen per image by the base's CLIP, which conditions it; the judge scores it
            double[] chosenV = new double[1];
            outs.put(AUTO_V, sample(() -> {
                SineAutoV.Result a = SineAutoV.edit(ld, patches, r, () -> ddim(ld), seed, LoopHooks.NONE, warnings);
                chosenV[0] = a.v();
                return a.image();
            }));
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("source", caption);
            choice.put("prompt", prompt);
            choice.put("v", chosenV[0]);
            autoV.add(choice);
            outs.put("SINE w/o pos (no-patches model)", sample(() -> SineSampling.edit(ld, whole, r, ddim(ld), gen(),
                    LoopHooks.NONE, warnings)));
            // paper §4.3: "without model-based guidance" samples the plain (no-patches) fine-tune alone
            outs.put("fine-tuned only (no-patches model)", sample(() -> SineSampling.fineTunedOnly(ld, whole, r, ddim(ld), gen(),
                    LoopHooks.NONE, warnings)));
            PromptStates states = PromptStates.encode(ld, List.of(prompt), "", warnings);
            for (double strength : new double[]{0.5, 0.8}) {
                outs.put("SDEdit " + strength, sample(() -> LatentPipelines.img2img(ld, ImageTensors.toTensor(src), states,
                        guidance, strength, steps, gen(), LoopHooks.NONE)));
            }
            outs.put("pretrained only", sample(() -> LatentPipelines.generate(ld, states, guidance, 1, ddim(ld), gen(),
                    LoopHooks.NONE)));
            List<RgbImage> row = new ArrayList<>(List.of(src));
            List<String> caps = new ArrayList<>(List.of(caption));
            outs.forEach((name, img) -> {
                Score sc = score(ld, src, img, prompt);
                methods.computeIfAbsent(name, k -> new ArrayList<>()).add(sc);
                if (prompt.equals(EDITS.get(0)) && SDEDIT.contains(name)) {
                    sweeps.computeIfAbsent(name, k -> new ArrayList<>()).add(sc); // the sweeps' baseline, same cases
                }
                row.add(img);
                caps.add(name);
            });
            html.section(caption + " → \"" + prompt + "\"", "source, then each method (same seed).");
            html.images(row, caps, 2);
        }
    }

    private void sweep(LatentDiffusion ld, RgbImage src, SineModel patches, Map<String, List<Score>> sweeps) {
        int s = ld.imageSize();
        String prompt = EDITS.get(0);
        for (int k : K_SWEEP) {
            SineRequest r = request(prompt, s, s, true).with(SineRequest.DEFAULT_V, k);
            RgbImage img = sample(() -> SineSampling.edit(ld, patches, r, ddim(ld), gen(), LoopHooks.NONE, warnings));
            sweeps.computeIfAbsent("K = " + k, x -> new ArrayList<>()).add(score(ld, src, img, prompt));
        }
        for (double v : V_SWEEP) {
            SineRequest r = request(prompt, s, s, true).with(v, SineRequest.DEFAULT_K);
            RgbImage img = sample(() -> SineSampling.edit(ld, patches, r, ddim(ld), gen(), LoopHooks.NONE, warnings));
            sweeps.computeIfAbsent("v = " + v, x -> new ArrayList<>()).add(score(ld, src, img, prompt));
        }
    }

    /** Every (K, v) of the sweeps' values for both edit prompts, with the patch model. */
    private void grid(LatentDiffusion ld, RgbImage src, SineModel patches, Map<String, List<Score>> grid) {
        int s = ld.imageSize();
        for (String prompt : EDITS) {
            for (int k : K_SWEEP) {
                for (double v : V_SWEEP) {
                    SineRequest r = request(prompt, s, s, true).with(v, k);
                    RgbImage img = sample(() -> SineSampling.edit(ld, patches, r, ddim(ld), gen(), LoopHooks.NONE,
                            warnings));
                    grid.computeIfAbsent(gridKey(k, v), x -> new ArrayList<>()).add(score(ld, src, img, prompt));
                }
            }
        }
    }

    static String gridKey(int k, double v) {
        return "K = " + k + ", v = " + v;
    }

    /**
     * The grid's setting with the highest mean SSIM among those whose judge prompt agreement (mean top-1 = the
     * prompt's subcategory) is at least the baseline's on the same cases; ties go to the higher agreement, then to
     * the earlier setting. Empty when no setting qualifies or there is no judge.
     */
    static Map<String, Object> gridChoice(Map<String, List<Score>> grid, List<Score> baseline) {
        Map<String, Object> out = new LinkedHashMap<>();
        double baseAgree = baseline.stream().mapToDouble(Score::judgeTarget).average().orElse(Double.NaN);
        double baseSsim = baseline.stream().mapToDouble(Score::ssim).average().orElse(Double.NaN);
        String best = null;
        double bestSsim = Double.NEGATIVE_INFINITY;
        double bestAgree = Double.NEGATIVE_INFINITY;
        for (var e : grid.entrySet()) {
            double agree = e.getValue().stream().mapToDouble(Score::judgeTarget).average().orElse(Double.NaN);
            double ssim = e.getValue().stream().mapToDouble(Score::ssim).average().orElse(Double.NaN);
            if (!(agree >= baseAgree - 1e-12)) {
                continue;
            }
            if (ssim > bestSsim || (ssim == bestSsim && agree > bestAgree)) {
                best = e.getKey();
                bestSsim = ssim;
                bestAgree = agree;
            }
        }
        out.put("baseline", "SDEdit 0.5");
        out.put("baseline_ssim", Double.isNaN(baseSsim) ? null : baseSsim);
        out.put("baseline_judge_target_top1", Double.isNaN(baseAgree) ? null : baseAgree);
        out.put("setting", best);
        out.put("ssim", best == null ? null : bestSsim);
        out.put("judge_target_top1", best == null ? null : bestAgree);
        return out;
    }

    private void anyResolution(LatentDiffusion ld, RgbImage src, String caption, SineModel patches, SineModel whole,
                               Map<String, List<Score>> sizes, HtmlReport html) {
        int s = ld.imageSize();
        int m = ld.sizeMultiple();
        int[][] wh = {{s, round(1.5 * s, m)}, {round(1.5 * s, m), s}, {2 * s, 2 * s}};
        String prompt = EDITS.get(0);
        List<RgbImage> shown = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int[] size : wh) {
            String label = size[0] + "x" + size[1];
            Map<String, RgbImage> outs = new LinkedHashMap<>();
            outs.put("with pos", sample(() -> SineSampling.edit(ld, patches, request(prompt, size[0], size[1], true),
                    ddim(ld), gen(), LoopHooks.NONE, warnings)));
            outs.put("patch model, pos not fed", sample(() -> SineSampling.edit(ld, patches,
                    request(prompt, size[0], size[1], false), ddim(ld), gen(), LoopHooks.NONE, warnings)));
            outs.put("w/o pos model", sample(() -> SineSampling.edit(ld, whole, request(prompt, size[0], size[1], false),
                    ddim(ld), gen(), LoopHooks.NONE, warnings)));
            outs.forEach((name, img) -> {
                Score sc = score(ld, src, img, prompt);
                sizes.computeIfAbsent(label + " " + name, k -> new ArrayList<>()).add(sc.withoutSsim());
                shown.add(img);
                caps.add(label + " " + name);
            });
        }
        html.section(caption + " at other sizes → \"" + prompt + "\"", "with the positional embedding, the patch "
                + "model without it, and the no-patches model.");
        html.images(shown, caps, 2);
    }

    private static int round(double side, int m) {
        return Math.max(m, (int) Math.round(side / m) * m);
    }

    private Scheduler ddim(LatentDiffusion ld) {
        return SamplerKind.DDIM.create(ld.schedule(), steps, 0.0);
    }

    private Generator gen() {
        return Tensors.generator(seed);
    }

    /** SSIM (same size only), emoji-clip similarities (resized to the CLIP's input size) and the judge's reading. */
    private Score score(LatentDiffusion ld, RgbImage src, RgbImage img, String prompt) {
        double target = Double.NaN;
        double similarity = Double.NaN;
        if (judge != null) {
            var both = JudgeScores.of(judge, ImageTensors.toTensor(
                    List.of(Resize.bilinear(src, 64, 64), Resize.bilinear(img, 64, 64))), n -> { });
            long want = promptClass.getOrDefault(prompt, -1L);
            target = want < 0 ? Double.NaN : both.top1(1) == want ? 1 : 0;
            similarity = JudgeScores.cosine(both.features()[0], both.features()[1]);
        }
        Score clip = clipScore(ld, src, img, prompt);
        return new Score(clip.ssim(), clip.clipImage(), clip.clipText(), target, similarity);
    }

    /** The judge's class of each edit prompt: the subcategory of the emoji named by it (−1 when none is). */
    private void judgeTargets(EmojiDataset ds) {
        judge = EmojiJudge.optional(store, c.judge(), warnings);
        if (judge == null) {
            return;
        }
        for (String p : EDITS) {
            long c = ds.entries().stream().filter(e -> e.name().equalsIgnoreCase(p)).findFirst()
                    .map(e -> (long) judge.config().subcategories().indexOf(e.subcategory())).orElse(-1L);
            promptClass.put(p, c);
        }
    }

    /** SSIM (same size only) and emoji-clip similarities (one resize policy: {@link ClipScorer}). */
    private static Score clipScore(LatentDiffusion ld, RgbImage src, RgbImage img, String prompt) {
        double ssim = src.width() == img.width() && src.height() == img.height()
                && Math.min(src.width(), src.height()) >= 11 ? Metrics.ssim(src, img, 1.0) : Double.NaN;
        ClipScorer scorer = new ClipScorer(ld.clip());
        return new Score(ssim, scorer.imageSimilarity(src, img), scorer.score(img, prompt), Double.NaN, Double.NaN);
    }

    /** The two SINE variants, and the baselines each is compared with (SDEdit as one curve over its strengths). */
    static final List<String> SDEDIT = List.of("SDEdit 0.5", "SDEdit 0.8");
    /** The method row of {@link SineAutoV} (not the paper's: v chosen per image). */
    static final String AUTO_V = "SINE, v per image (ours)";
    private final List<Map<String, Object>> autoV = new ArrayList<>();
    static final Map<String, List<String>> BASELINES = baselines();

    private static Map<String, List<String>> baselines() {
        Map<String, List<String>> b = new LinkedHashMap<>();
        b.put("fine-tuned only (no-patches model)", List.of("fine-tuned only (no-patches model)"));
        b.put("SDEdit (0.5 to 0.8)", SDEDIT);
        b.put("pretrained only", List.of("pretrained only"));
        b.put("SINE w/o pos (no-patches model)", List.of("SINE w/o pos (no-patches model)"));
        return b;
    }

    /**
     * For SINE and its no-patches variant against each other method, the {@link TradeOff} verdict with fidelity
     * measured as emoji-clip image similarity and as SSIM, alignment as the emoji-clip text score (means over the
     * cases): method → baseline → fidelity measure → better / worse / trade.
     */
    static Map<String, Map<String, Map<String, String>>> verdicts(Map<String, List<Score>> methods) {
        Map<String, Map<String, Map<String, String>>> out = new LinkedHashMap<>();
        for (String method : List.of("SINE", "SINE w/o pos (no-patches model)")) {
            Map<String, Map<String, String>> byBaseline = new LinkedHashMap<>();
            BASELINES.forEach((baseline, settings) -> {
                if (baseline.equals(method) || !methods.containsKey(method)) {
                    return;
                }
                Map<String, String> byAxis = new LinkedHashMap<>();
                for (String axis : List.of("clip_image", "ssim")) {
                    TradeOff.Point m = point(methods.get(method), axis);
                    List<TradeOff.Point> curve = settings.stream().map(n -> point(methods.get(n), axis)).toList();
                    byAxis.put(axis, TradeOff.compare(m, curve).label());
                }
                byBaseline.put(baseline, byAxis);
            });
            out.put(method, byBaseline);
        }
        return out;
    }

    /**
     * Every K and v setting of SINE against the SDEdit curve on the same cases (the first edit prompt): setting →
     * fidelity measure → better / worse / trade. Does some setting of SINE's knobs reach above SDEdit?
     */
    static Map<String, Map<String, String>> sweepVerdicts(Map<String, List<Score>> sweeps) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (!sweeps.keySet().containsAll(SDEDIT)) {
            return out;
        }
        sweeps.forEach((setting, scores) -> {
            if (SDEDIT.contains(setting)) {
                return;
            }
            Map<String, String> byAxis = new LinkedHashMap<>();
            for (String axis : List.of("clip_image", "ssim")) {
                List<TradeOff.Point> curve = SDEDIT.stream().map(n -> point(sweeps.get(n), axis)).toList();
                byAxis.put(axis, TradeOff.compare(point(scores, axis), curve).label());
            }
            out.put(setting, byAxis);
        });
        return out;
    }

    private static void sweepVerdictTable(HtmlReport html, Map<String, Map<String, String>> verdicts) {
        List<List<Object>> rows = new ArrayList<>();
        verdicts.forEach((setting, byAxis) -> rows.add(List.of("SINE, " + setting, byAxis.get("clip_image"),
                byAxis.get("ssim"))));
        html.section("Sweep settings against SDEdit (0.5 to 0.8), first edit prompt", "");
        html.table(List.of("setting", "fidelity = clip image sim", "fidelity = SSIM"), rows);
    }

    private static TradeOff.Point point(List<Score> scores, String fidelity) {
        double f = scores.stream().mapToDouble(fidelity.equals("ssim") ? Score::ssim : Score::clipImage).average()
                .orElseThrow();
        return new TradeOff.Point(f, scores.stream().mapToDouble(Score::clipText).average().orElseThrow());
    }

    private static void verdictTable(HtmlReport html, Map<String, Map<String, Map<String, String>>> verdicts) {
        List<List<Object>> rows = new ArrayList<>();
        verdicts.forEach((method, byBaseline) -> byBaseline.forEach((baseline, byAxis) ->
                rows.add(List.of(method, baseline, byAxis.get("clip_image"), byAxis.get("ssim")))));
        html.section("Trade-off verdicts", "Is the method above the baseline (better), below it (worse), or neither "
                + "(trade: more of one, less of the other)? SDEdit is one curve through its two strengths, "
                + "interpolated linearly; alignment is the clip text score.");
        html.table(List.of("method", "against", "fidelity = clip image sim", "fidelity = SSIM"), rows);
    }

    private static Map<String, Object> means(Map<String, List<Score>> scores) {
        Map<String, Object> out = new LinkedHashMap<>();
        scores.forEach((name, list) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            double ssim = list.stream().mapToDouble(Score::ssim).average().orElse(Double.NaN);
            m.put("ssim", Double.isNaN(ssim) ? null : ssim);
            m.put("clip_image", list.stream().mapToDouble(Score::clipImage).average().orElse(Double.NaN));
            m.put("clip_text", list.stream().mapToDouble(Score::clipText).average().orElse(Double.NaN));
            double jt = list.stream().mapToDouble(Score::judgeTarget).average().orElse(Double.NaN);
            double js = list.stream().mapToDouble(Score::judgeSimilarity).average().orElse(Double.NaN);
            m.put("judge_target_top1", Double.isNaN(jt) ? null : jt);
            m.put("judge_similarity", Double.isNaN(js) ? null : js);
            m.put("n", list.size());
            out.put(name, m);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void table(HtmlReport html, String title, Map<String, List<Score>> scores) {
        List<List<Object>> rows = new ArrayList<>();
        means(scores).forEach((name, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            rows.add(List.of(name, m.get("ssim") == null ? "–" : m.get("ssim"), m.get("clip_image"), m.get("clip_text"),
                    m.get("judge_similarity") == null ? "–" : m.get("judge_similarity"),
                    m.get("judge_target_top1") == null ? "–" : m.get("judge_target_top1"), m.get("n")));
        });
        html.section(title, "emoji-clip conditions emoji-ldm, so its columns are not an independent judgement; the "
                + "judge columns are (emoji-judge, evaluation-only).");
        html.table(List.of("setting", "SSIM ↑", "clip image sim ↑ (conditions)", "clip text score ↑ (conditions)",
                "judge feature sim ↑", "judge top-1 = prompt's subcategory ↑", "n"), rows);
    }
}
