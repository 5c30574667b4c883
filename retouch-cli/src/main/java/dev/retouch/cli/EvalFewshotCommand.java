package dev.retouch.cli;

import dev.retouch.eval.clip.ClipScorer;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.SkinTone;
import dev.retouch.data.emoji.SkinTonePairSets;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotEvaluation;
import dev.retouch.edit.fewshot.FewshotRun;
import dev.retouch.edit.fewshot.FewshotTraining;
import dev.retouch.edit.fewshot.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
import java.util.function.Function;

/** {@code retouch eval fewshot}: paper 000's Tables 1 and 2 on the emoji skin-tone effect. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = "Benchmark the few-shot effect on default → skin-tone emoji pairs: train (a) the model "
                + "n-source-to-n-target on --shots training pairs each, (b) the same model one-source-to-one-target and "
                + "(c) the pix2pix-style regressor, both on --baseline-shots pairs (deterministic TRAIN-split sets), "
                + "then edit every held-out pair (--held-out split, never seen in training) and report PSNR, SSIM, DIoU "
                + "(union and per image), emoji-clip Fréchet distance when models/emoji-clip exists, and edit time, "
                + "plus sampler alternatives for (a) and the identity as a floor. Trained effects are kept in "
                + "OUT/models and reused (an interrupted training resumes from OUT/runs).",
        footer = {"", "Examples:", "  bin/retouch eval fewshot --tone 5 --steps 5000 --out out/eval-fewshot",
                "  bin/retouch eval fewshot --effect skin-tone-5 --out out/eval-skin-tone-5   # score a trained effect"})
final class EvalFewshotCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--out", required = true, description = "Report directory (also holds the trained effects).")
    Path out;

    @Option(names = "--tone", defaultValue = "5", description = "Skin tone 1-5 or code (default: ${DEFAULT-VALUE}).")
    String tone;

    @Option(names = "--steps", defaultValue = "5000", description = "Training steps per model (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--shots", defaultValue = "5,10,20,50", split = ",", description = "Training pairs for (a) (default: ${DEFAULT-VALUE}).")
    List<Integer> shots;

    @Option(names = "--baseline-shots", defaultValue = "20", description = "Training pairs for (b), (c) and the sampler alternatives (default: ${DEFAULT-VALUE}).")
    int baselineShots;

    @Option(names = "--held-out", defaultValue = "test", description = "Held-out split (default: ${DEFAULT-VALUE}).")
    String heldOut;

    @Option(names = "--only", split = ",", description = "Train and score only these models, e.g. nn-20,one-20.")
    List<String> only;

    @Option(names = "--clip", defaultValue = "emoji-clip", description = "Feature model for the Fréchet distance; skipped when absent (default: ${DEFAULT-VALUE}).")
    String clip;

    @Option(names = "--skips", defaultValue = "high-pass", description = "Autoencoder skips of the nn and one models: "
            + "high-pass, full or none (default: ${DEFAULT-VALUE}).")
    String skips;

    @Option(names = "--seed", defaultValue = "0", description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--effect", split = ",", paramLabel = "EFFECT", description = "Score these trained effects "
            + "(directories or shipped names, e.g. skin-tone-5) instead of training: each gets its row and, for the "
            + "latent variants, its autoencoder ceiling. An effect trained on any held-out pair is refused.")
    List<String> effects;

    /** One model of the benchmark. */
    record Entry(String name, EffectVariant variant, int shots) {
    }

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--baseline-shots", baselineShots, 2, 10_000);
        shots.forEach(s -> CliSupport.requireRange("--shots", s, 2, 10_000));
        SkinTone t = SkinTonePairSets.tone(tone);
        if (effects != null && only != null) {
            throw new CliSupport.UsageError("--effect scores given effects; it cannot be combined with --only");
        }
        List<Path> effectDirs = effects == null ? List.of() : effects.stream().map(Models::resolveEffect).toList();
        entries(); // validates --only and --skips before any work
        TrainFewshotCommand.withSkips(EffectConfig.emoji(EffectVariant.NN, 2), skips);
        EmojiDataset ds = EmojiDataset.load();
        if (SkinTonePairsCommand.split(heldOut) == Split.TRAIN) {
            throw new CliSupport.UsageError("--held-out must not be the training split");
        }
        List<ImagePair> held = SkinTonePairSets.select(ds, t, SkinTonePairsCommand.split(heldOut), 0);
        Map<Path, Effect> given = new LinkedHashMap<>();
        for (Path dir : effectDirs) {
            given.put(dir, loadComparable(dir, held));
        }
        judge = dev.retouch.eval.judge.EmojiJudge.optional(Models.store(), judgeName, CliSupport::warn);
        judgedTargets = judge == null ? null : dev.retouch.eval.judge.JudgeScores.of(judge,
                dev.retouch.core.image.ImageTensors.toTensor(held.stream().map(ImagePair::after).toList()), n -> { });
        CliSupport.mkdirs(out); // after every check: a refused run leaves nothing behind
        ClipScorer scorer = ClipScorer.optional(Models.store(), clip, CliSupport::warn);
        Function<List<RgbImage>, double[][]> features = scorer == null ? null : scorer::features;
        HtmlReport html = new HtmlReport(out, "fewshot benchmark: default → " + t.label() + " skin tone");
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(row("identity (input unchanged)", null, 0, FewshotEvaluation.score(held,
                FewshotEvaluation.identity(held), features), 0, 0));
        Map<String, FewshotEvaluation.Scores> byName = new LinkedHashMap<>();
        for (var g : given.entrySet()) {
            Effect effect = g.getValue();
            Entry e = new Entry(g.getKey().getFileName().toString(), effect.config().variant(), effect.pairs().size());
            scoreEntry(e, new Timed(effect, Double.NaN, -1), held, features, rows, byName);
        }
        for (Entry e : effects == null ? entries() : List.<Entry>of()) {
            List<ImagePair> train = SkinTonePairSets.select(ds, t, Split.TRAIN, e.shots());
            scoreEntry(e, trainOrLoad(e, train), held, features, rows, byName);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tone", t.code() + " (" + t.label() + ")");
        report.put("held_out", heldOut + " split, " + held.size() + " pairs");
        if (effects != null) {
            report.put("effects", effectDirs.stream().map(Path::toString).toList());
        } else {
            report.put("steps", steps);
            report.put("batch", batch);
        }
        report.put("skips", skips);
        report.put("threads", common.threads);
        report.put("rows", rows);
        report.put("targets", targets(byName));
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        writeHtml(html, report, rows, held, byName);
        CliSupport.print(common, Map.of("report", out.resolve("report.json").toString(), "targets", report.get("targets")));
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
        if (effects == null && e.variant() == EffectVariant.NN && e.shots() == baselineShots) {
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
            throw new CliSupport.UsageError(dir + ": the effect works at " + effect.config().imageSize() + "×"
                    + effect.config().imageSize() + ", the held-out pairs are " + side + "×" + side);
        }
        Set<String> heldNames = new HashSet<>();
        held.forEach(p -> heldNames.add(p.name()));
        List<String> overlap = effect.pairs().stream().map(ImagePair::name).filter(heldNames::contains).toList();
        if (!overlap.isEmpty()) {
            throw new CliSupport.UsageError(dir + ": this effect trained on " + overlap.size()
                    + " held-out pair(s) (e.g. " + overlap.get(0) + "); choose another --held-out split");
        }
        return effect;
    }

    private List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (int s : shots) {
            all.add(new Entry("nn-" + s, EffectVariant.NN, s));
        }
        if (!shots.contains(baselineShots)) {
            all.add(new Entry("nn-" + baselineShots, EffectVariant.NN, baselineShots));
        }
        all.add(new Entry("one-" + baselineShots, EffectVariant.ONE, baselineShots));
        all.add(new Entry("pix2pix-" + baselineShots, EffectVariant.PIX2PIX, baselineShots));
        if (only != null) {
            List<String> unknown = only.stream().filter(n -> all.stream().noneMatch(e -> e.name().equals(n))).toList();
            if (!unknown.isEmpty()) {
                throw new CliSupport.UsageError("--only names unknown models " + unknown + "; known: "
                        + all.stream().map(Entry::name).toList());
            }
            return all.stream().filter(e -> only.contains(e.name())).toList();
        }
        return all;
    }

    /** A trained effect and what its training cost. */
    record Timed(Effect effect, double seconds, int steps) {
    }

    /** Loads OUT/models/NAME when it is complete, resumes OUT/runs/NAME when it exists, else trains from scratch. */
    private Timed trainOrLoad(Entry e, List<ImagePair> train) {
        Path effectDir = out.resolve("models").resolve(e.name());
        Path runDir = out.resolve("runs").resolve(e.name());
        boolean hasRun = Files.isRegularFile(runDir.resolve(FewshotTraining.RUN_JSON));
        if (hasRun && Files.isRegularFile(effectDir.resolve("config.json"))) {
            FewshotRun run = FewshotTraining.readRun(runDir);
            if (run.train().steps() == steps && finished(runDir, steps)) {
                System.err.println("eval fewshot: reusing " + effectDir);
                return new Timed(Effect.load(effectDir), runSeconds(runDir), steps);
            }
        }
        Progress bar = new Progress("train " + e.name(), steps, System.err, System.console() != null, 0);
        FewshotTraining.Result r;
        if (hasRun) {
            r = FewshotTraining.resume(runDir, steps, effectDir, bar);
        } else {
            CliSupport.mkdirs(runDir);
            EffectConfig config = TrainFewshotCommand.withSkips(EffectConfig.emoji(e.variant(), 2), skips);
            TrainConfig tc = new TrainConfig(steps, batch, 3e-4, Math.min(200, steps / 10), 0.0, 1.0, 0.999, 250, seed);
            String cmd = String.format(Locale.ROOT, "bin/retouch eval fewshot --tone %s --steps %d --batch %d "
                    + "--skips %s --seed %d --out %s   (model %s)", tone, steps, batch, skips, seed, out, e.name());
            r = FewshotTraining.start(train, new FewshotRun(config, tc, cmd), runDir, effectDir, bar);
        }
        return new Timed(r.effect(), r.seconds(), r.steps());
    }

    private static boolean finished(Path runDir, int steps) {
        double[] loss = dev.retouch.diffusion.train.LossCurve.read(runDir.resolve("loss.csv"));
        return loss.length >= steps;
    }

    private static double runSeconds(Path runDir) {
        var meta = dev.retouch.core.io.Safetensors.readMetadata(runDir.resolve("checkpoint.safetensors"));
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
                            CliSupport.num(s.start()), s.ensemble()), e.variant(), e.shots(),
                    FewshotEvaluation.score(held, FewshotEvaluation.editor(alt, held), features), trained.seconds(),
                    trained.steps()));
        }
        return rows;
    }

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge for the judge-FD "
            + "of the edits to the true targets (default: ${DEFAULT-VALUE}).")
    String judgeName;

    private dev.retouch.eval.judge.EmojiJudge judge;
    private dev.retouch.eval.judge.JudgeScores judgedTargets;

    /** Judge-FD of edited images to the true targets (one per held-out pair; compare rows only: same count). */
    private Double judgeFd(List<RgbImage> outputs) {
        return judge == null ? null : dev.retouch.eval.judge.JudgeScores.of(judge, dev.retouch.core.image.ImageTensors.toTensor(outputs),
                n -> { }).frechetDistance(judgedTargets);
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
        FewshotEvaluation.Scores nn = s.get("nn-" + baselineShots);
        FewshotEvaluation.Scores one = s.get("one-" + baselineShots);
        t.put("nn_psnr_at_least_27", nn == null ? "not measured" : nn.psnr() >= 27);
        t.put("nn_minus_one_psnr", nn == null || one == null ? "not measured" : nn.psnr() - one.psnr());
        t.put("nn_ahead_of_one_by_2db", nn == null || one == null ? "not measured" : nn.psnr() - one.psnr() >= 2);
        t.put("nn_edit_seconds", nn == null ? "not measured" : nn.seconds());
        return t;
    }

    private void writeHtml(HtmlReport html, Map<String, Object> report, List<Map<String, Object>> rows,
                           List<ImagePair> held, Map<String, FewshotEvaluation.Scores> byName) {
        html.section("Setting", report.get("tone") + "; held out: " + report.get("held_out") + "; "
                + (effects != null ? "given effects " + report.get("effects")
                : steps + " training steps of batch " + batch + " per model") + "; edits use seed k for held-out pair k.");
        List<List<Object>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(Arrays.asList(r.get("model"), r.get("train_pairs"), r.get("psnr"), r.get("ssim"), r.get("diou"),
                    r.get("diou_per_image"), r.get("fd_emoji_clip") == null ? "-" : r.get("fd_emoji_clip"),
                    r.get("fd_emoji_judge") == null ? "-" : r.get("fd_emoji_judge"), r.get("edit_seconds"), r.get("train_seconds") == null ? "-" : r.get("train_seconds")));
        }
        html.table(List.of("model", "pairs", "PSNR", "SSIM", "DIoU", "DIoU/img", "FD (emoji-clip)", "judge-FD", "edit s",
                        "train s"),
                table);
        html.section("Targets", Json.toJson(report.get("targets")));
        List<String> shown = effects != null ? List.copyOf(byName.keySet())
                : byName.keySet().stream().filter(n -> n.endsWith("-" + baselineShots)).toList();
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
}
