package dev.retouch.eval.fewshot;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.SkinTone;
import dev.retouch.data.emoji.SkinTonePairSets;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotEvaluation;
import dev.retouch.edit.fewshot.FewshotRun;
import dev.retouch.edit.fewshot.FewshotTraining;
import dev.retouch.edit.fewshot.SamplingConfig;
import dev.retouch.eval.clip.ClipScorer;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Paper 000's Tables 1 and 2 on the emoji default → skin-tone effect: trains (a) the few-shot model n-source-to-
 * n-target on each number of {@link Config#shots() shots}, (b) the same model one-source-to-one-target and (c) the
 * pix2pix-style regressor on {@link Config#baselineShots()} pairs (deterministic TRAIN-split sets), or scores given
 * effects instead; edits every held-out pair (seed k for pair k) and reports PSNR, SSIM, DIoU, emoji-clip FD, the
 * judge-FD to the true targets, edit and training time, (a)'s sampler alternatives, each few-shot model's autoencoder
 * ceiling and the identity as a floor. Trained effects are kept in {@code OUT/models} and reused; an interrupted
 * training resumes from {@code OUT/runs}.
 */
public final class FewshotBenchmark {
    /**
     * What to benchmark.
     *
     * @param tone          the effect's skin tone
     * @param steps         training steps per model, in [1, 10⁷]
     * @param batch         training batch size
     * @param shots         training pairs of the (a) models, each in [2, 10⁴]
     * @param baselineShots training pairs of (b), (c) and the sampler alternatives, in [2, 10⁴]
     * @param heldOut       the held-out split (validation or test)
     * @param only          train and score only these models (e.g. nn-20), or null for all
     * @param skips         the few-shot models' autoencoder skips ({@link EffectConfig#SKIPS})
     * @param seed          training seed
     * @param effects       score these trained effect directories instead of training (null: train)
     * @param clip          feature model of the FD (skipped with a notice when absent)
     * @param judge         the evaluation-only judge of the judge-FD (skipped with a notice when absent)
     * @param threads       the thread count, written into the report
     */
    public record Config(SkinTone tone, int steps, int batch, List<Integer> shots, int baselineShots, Split heldOut,
                         List<String> only, String skips, long seed, List<Path> effects, String clip, String judge,
                         int threads) {
        public Config {
            if (steps < 1 || steps > 10_000_000) {
                throw new InvalidRequestException("steps must be in [1, 10000000], got " + steps);
            }
            if (baselineShots < 2 || baselineShots > 10_000) {
                throw new InvalidRequestException("baseline shots must be in [2, 10000], got " + baselineShots);
            }
            for (int s : shots) {
                if (s < 2 || s > 10_000) {
                    throw new InvalidRequestException("shots must be in [2, 10000], got " + s);
                }
            }
            if (effects != null && only != null) {
                throw new InvalidRequestException("given effects are scored as they are; they cannot be combined "
                        + "with a selection of models to train");
            }
            if (heldOut == Split.TRAIN) {
                throw new InvalidRequestException("the held-out split must not be the training split");
            }
            shots = List.copyOf(shots);
            only = only == null ? null : List.copyOf(only);
            effects = effects == null ? null : List.copyOf(effects);
            EffectConfig.emoji(EffectVariant.NN, 2).withSkips(skips); // validates the name
            FewshotBenchmark.entries(shots, baselineShots, only); // validates the selection
        }

        /** The models this config trains, in report order. */
        public List<Entry> entries() {
            return effects != null ? List.of() : FewshotBenchmark.entries(shots, baselineShots, only);
        }
    }

    /** One model of the benchmark. */
    public record Entry(String name, EffectVariant variant, int shots) {
    }

    /** The report's rows and the targets (also in {@code report.json}). */
    public record Result(Config config, List<Map<String, Object>> rows, Map<String, Object> targets) {
    }

    private final Config c;
    private final Path out;
    private final Function<String, StepListener> progress;
    private final Consumer<String> notices;
    private EmojiJudge judge;
    private JudgeScores judgedTargets;

    private FewshotBenchmark(Config c, Path out, Function<String, StepListener> progress, Consumer<String> notices) {
        this.c = c;
        this.out = out;
        this.progress = progress;
        this.notices = notices;
    }

    /**
     * Runs the benchmark: every check (given effects, held-out pairs) before the report directory is made.
     *
     * @param progress a listener per training, by label ("train nn-20")
     * @param notices  complete notice lines ("warning: …" for a skipped score, "eval fewshot: reusing …")
     */
    public static Result run(ModelStore store, EmojiDataset ds, Config config, Path out,
                             Function<String, StepListener> progress, Consumer<String> notices) {
        return new FewshotBenchmark(config, out, progress, notices).run(store, ds);
    }

    private Result run(ModelStore store, EmojiDataset ds) {
        List<ImagePair> held = SkinTonePairSets.select(ds, c.tone(), c.heldOut(), 0);
        Map<Path, Effect> given = new LinkedHashMap<>();
        for (Path dir : c.effects() == null ? List.<Path>of() : c.effects()) {
            given.put(dir, loadComparable(dir, held));
        }
        Consumer<String> warnings = m -> notices.accept("warning: " + m);
        judge = EmojiJudge.optional(store, c.judge(), warnings);
        judgedTargets = judge == null ? null : JudgeScores.of(judge,
                ImageTensors.toTensor(held.stream().map(ImagePair::after).toList()), n -> { });
        ClipScorer scorer = ClipScorer.optional(store, c.clip(), warnings);
        Reports.directory(out); // after every check: a refused run leaves nothing behind
        Function<List<RgbImage>, double[][]> features = scorer == null ? null : scorer::features;
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("identity (input unchanged)", null, 0, FewshotEvaluation.score(held,
                FewshotEvaluation.identity(held), features), Double.NaN, -1));
        Map<String, FewshotEvaluation.Scores> byName = new LinkedHashMap<>();
        for (var g : given.entrySet()) {
            Effect effect = g.getValue();
            Entry e = new Entry(g.getKey().getFileName().toString(), effect.config().variant(), effect.pairs().size());
            scoreEntry(e, new Timed(effect, Double.NaN, -1), held, features, rows, byName);
        }
        for (Entry e : c.entries()) {
            List<ImagePair> train = SkinTonePairSets.select(ds, c.tone(), Split.TRAIN, e.shots());
            scoreEntry(e, trainOrLoad(e, train), held, features, rows, byName);
        }
        Map<String, Object> targets = targets(byName);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tone", c.tone().code() + " (" + c.tone().label() + ")");
        report.put("held_out", c.heldOut().name().toLowerCase(Locale.ROOT) + " split, " + held.size() + " pairs");
        if (c.effects() != null) {
            report.put("effects", c.effects().stream().map(Path::toString).toList());
        } else {
            report.put("steps", c.steps());
            report.put("batch", c.batch());
        }
        report.put("skips", c.skips());
        report.put("threads", c.threads());
        report.put("rows", rows);
        report.put("targets", targets);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        writeHtml(report, rows, held, byName);
        return new Result(c, List.copyOf(rows), targets);
    }

    /** Scores one model on the held-out pairs: its row, its autoencoder ceiling, (a)'s sampler alternatives. */
    private void scoreEntry(Entry e, Timed trained, List<ImagePair> held, Function<List<RgbImage>, double[][]> features,
                            List<Map<String, Object>> rows, Map<String, FewshotEvaluation.Scores> byName) {
        FewshotEvaluation.Scores s = FewshotEvaluation.score(held, FewshotEvaluation.editor(trained.effect(), held), features);
        rows.add(row(e.name(), e.variant(), e.shots(), s, trained.seconds(), trained.steps()));
        byName.put(e.name(), s);
        if (e.variant() != EffectVariant.PIX2PIX) {
            rows.add(row(e.name() + " autoencoder ceiling (oracle: D(E(y)) with x's skips)", e.variant(), e.shots(),
                    FewshotEvaluation.score(held, FewshotEvaluation.autoencoderCeiling(trained.effect(), held), features),
                    trained.seconds(), trained.steps()));
        }
        if (c.effects() == null && e.variant() == EffectVariant.NN && e.shots() == c.baselineShots()) {
            rows.addAll(samplerAlternatives(e, trained, held, features));
        }
    }

    /**
     * Loads a given effect and checks it can be scored on {@code held}: same image size, and trained on none of the
     * held-out pairs (pair names are the default image's file stem on both sides, as PairFolder and
     * SkinTonePairSets name them).
     */
    private static Effect loadComparable(Path dir, List<ImagePair> held) {
        Effect effect = Effect.load(dir);
        int side = held.get(0).before().width();
        if (effect.config().imageSize() != side) {
            throw new InvalidRequestException(dir + ": the effect works at " + effect.config().imageSize() + "×"
                    + effect.config().imageSize() + ", the held-out pairs are " + side + "×" + side);
        }
        Set<String> heldNames = new HashSet<>();
        held.forEach(p -> heldNames.add(p.name()));
        List<String> overlap = effect.pairs().stream().map(ImagePair::name).filter(heldNames::contains).toList();
        if (!overlap.isEmpty()) {
            throw new InvalidRequestException(dir + ": this effect trained on " + overlap.size()
                    + " held-out pair(s) (e.g. " + overlap.get(0) + "); choose another held-out split");
        }
        return effect;
    }

    private static List<Entry> entries(List<Integer> shots, int baselineShots, List<String> only) {
        List<Entry> all = new ArrayList<>();
        for (int s : shots) {
            all.add(new Entry("nn-" + s, EffectVariant.NN, s));
        }
        if (!shots.contains(baselineShots)) {
            all.add(new Entry("nn-" + baselineShots, EffectVariant.NN, baselineShots));
        }
        all.add(new Entry("one-" + baselineShots, EffectVariant.ONE, baselineShots));
        all.add(new Entry("pix2pix-" + baselineShots, EffectVariant.PIX2PIX, baselineShots));
        if (only == null) {
            return all;
        }
        List<String> unknown = only.stream().filter(n -> all.stream().noneMatch(e -> e.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("unknown models " + unknown + " in the selection; known: "
                    + all.stream().map(Entry::name).toList());
        }
        return all.stream().filter(e -> only.contains(e.name())).toList();
    }

    /** A trained effect and what its training cost. */
    private record Timed(Effect effect, double seconds, int steps) {
    }

    /** Loads OUT/models/NAME when it is complete, resumes OUT/runs/NAME when it exists, else trains from scratch. */
    private Timed trainOrLoad(Entry e, List<ImagePair> train) {
        Path effectDir = out.resolve("models").resolve(e.name());
        Path runDir = out.resolve("runs").resolve(e.name());
        boolean hasRun = Files.isRegularFile(runDir.resolve(FewshotTraining.RUN_JSON));
        if (hasRun && Files.isRegularFile(effectDir.resolve("config.json"))) {
            FewshotRun run = FewshotTraining.readRun(runDir);
            if (run.train().steps() == c.steps() && LossCurve.read(runDir.resolve("loss.csv")).length >= c.steps()) {
                notices.accept("eval fewshot: reusing " + effectDir);
                return new Timed(Effect.load(effectDir), runSeconds(runDir), c.steps());
            }
        }
        StepListener bar = progress.apply("train " + e.name());
        FewshotTraining.Result r;
        if (hasRun) {
            r = FewshotTraining.resume(runDir, c.steps(), effectDir, bar);
        } else {
            Reports.directory(runDir);
            EffectConfig config = EffectConfig.emoji(e.variant(), 2).withSkips(c.skips());
            TrainConfig tc = new TrainConfig(c.steps(), c.batch(), 3e-4, Math.min(200, c.steps() / 10), 0.0, 1.0,
                    0.999, 250, c.seed());
            String cmd = String.format(Locale.ROOT, "bin/retouch eval fewshot --tone %s --steps %d --batch %d "
                            + "--skips %s --seed %d --out %s   (model %s)", c.tone().code(), c.steps(), c.batch(),
                    c.skips(), c.seed(), out, e.name());
            r = FewshotTraining.start(train, new FewshotRun(config, tc, cmd), runDir, effectDir, bar);
        }
        return new Timed(r.effect(), r.seconds(), r.steps());
    }

    private static double runSeconds(Path runDir) {
        var meta = Safetensors.readMetadata(runDir.resolve("checkpoint.safetensors"));
        return Double.parseDouble(meta.getOrDefault("seconds", "NaN"));
    }

    /** (a) at the baseline shots with other sampling: a later start (y_i matters), an ensemble of 4, both. */
    private List<Map<String, Object>> samplerAlternatives(Entry e, Timed trained, List<ImagePair> held,
                                                          Function<List<RgbImage>, double[][]> features) {
        SamplingConfig d = trained.effect().config().sampling();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SamplingConfig s : List.of(new SamplingConfig(d.steps(), 0.5, 1), new SamplingConfig(d.steps(), 1.0, 4),
                new SamplingConfig(d.steps(), 0.5, 4), new SamplingConfig(1, 1.0, 1))) {
            Effect alt = trained.effect().withSampling(s);
            rows.add(row(e.name() + String.format(Locale.ROOT, " (steps %d, start %s, ensemble %d)", s.steps(),
                            num(s.start()), s.ensemble()), e.variant(), e.shots(),
                    FewshotEvaluation.score(held, FewshotEvaluation.editor(alt, held), features), trained.seconds(),
                    trained.steps()));
        }
        return rows;
    }

    /** 1.0 as "1", 0.5 as "0.5". */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Judge-FD of edited images to the true targets (one per held-out pair; compare rows only: same count). */
    private Double judgeFd(List<RgbImage> outputs) {
        return judge == null ? null : JudgeScores.of(judge, ImageTensors.toTensor(outputs), n -> { })
                .frechetDistance(judgedTargets);
    }

    private Map<String, Object> row(String name, EffectVariant v, int shots, FewshotEvaluation.Scores s,
                                    double trainSeconds, int trainSteps) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", name);
        r.put("variant", v == null ? "-" : v.label());
        r.put("train_pairs", shots);
        r.put("psnr", s.psnr());
        r.put("ssim", s.ssim());
        r.put("diou", s.diou());
        r.put("diou_per_image", s.diouPerImage());
        r.put("fd_emoji_clip", Double.isNaN(s.fd()) ? null : s.fd());
        r.put("fd_emoji_judge", judgeFd(s.outputs()));
        r.put("edit_seconds", s.seconds());
        r.put("train_seconds", Double.isNaN(trainSeconds) ? null : trainSeconds);
        r.put("train_steps", trainSteps < 0 ? null : trainSteps);
        return r;
    }

    /** The targets, computed from the measured rows (absent rows are reported as not measured). */
    private Map<String, Object> targets(Map<String, FewshotEvaluation.Scores> s) {
        Map<String, Object> t = new LinkedHashMap<>();
        FewshotEvaluation.Scores nn = s.get("nn-" + c.baselineShots());
        FewshotEvaluation.Scores one = s.get("one-" + c.baselineShots());
        t.put("nn_psnr_at_least_27", nn == null ? "not measured" : nn.psnr() >= 27);
        t.put("nn_minus_one_psnr", nn == null || one == null ? "not measured" : nn.psnr() - one.psnr());
        t.put("nn_ahead_of_one_by_2db", nn == null || one == null ? "not measured" : nn.psnr() - one.psnr() >= 2);
        t.put("nn_edit_seconds", nn == null ? "not measured" : nn.seconds());
        return t;
    }

    private void writeHtml(Map<String, Object> report, List<Map<String, Object>> rows, List<ImagePair> held,
                           Map<String, FewshotEvaluation.Scores> byName) {
        HtmlReport html = new HtmlReport(out, "fewshot benchmark: default → " + c.tone().label() + " skin tone");
        html.section("Setting", report.get("tone") + "; held out: " + report.get("held_out") + "; "
                + (c.effects() != null ? "given effects " + report.get("effects")
                : c.steps() + " training steps of batch " + c.batch() + " per model")
                + "; edits use seed k for held-out pair k.");
        List<List<Object>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(Arrays.asList(r.get("model"), r.get("train_pairs"), r.get("psnr"), r.get("ssim"), r.get("diou"),
                    r.get("diou_per_image"), dash(r.get("fd_emoji_clip")), dash(r.get("fd_emoji_judge")),
                    r.get("edit_seconds"), dash(r.get("train_seconds"))));
        }
        html.table(List.of("model", "pairs", "PSNR", "SSIM", "DIoU", "DIoU/img", "FD (emoji-clip)", "judge-FD", "edit s",
                "train s"), table);
        html.section("Targets", Json.toJson(report.get("targets")));
        List<String> shown = c.effects() != null ? List.copyOf(byName.keySet())
                : byName.keySet().stream().filter(n -> n.endsWith("-" + c.baselineShots())).toList();
        html.section("Held-out examples", "before, truth, then " + String.join(", ", shown));
        for (int k = 0; k < Math.min(8, held.size()); k++) {
            List<RgbImage> imgs = new ArrayList<>(List.of(held.get(k).before(), held.get(k).after()));
            List<String> caps = new ArrayList<>(List.of(held.get(k).name(), "truth"));
            for (String n : shown) {
                imgs.add(byName.get(n).outputs().get(k));
                caps.add(n);
            }
            html.images(imgs, caps, 2);
        }
        html.write();
    }

    private static Object dash(Object v) {
        return v == null ? "-" : v;
    }
}
