package dev.retouch.cli;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.SkinTone;
import dev.retouch.data.emoji.SkinTonePairSets;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.eval.fewshot.FewshotBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code retouch eval fewshot}: paper 000's Tables 1 and 2 on the emoji skin-tone effect ({@link FewshotBenchmark}). */
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

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge for the judge-FD "
            + "of the edits to the true targets (default: ${DEFAULT-VALUE}).")
    String judgeName;

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
        TrainFewshotCommand.withSkips(EffectConfig.emoji(EffectVariant.NN, 2), skips);
        Split held = CliSupport.heldOutSplit("--held-out", heldOut, "the training pairs come from train");
        List<Path> effectDirs = effects == null ? null : effects.stream().map(Models::resolveEffect).toList();
        FewshotBenchmark.Config config;
        try {
            config = new FewshotBenchmark.Config(t, steps, batch, shots, baselineShots, held, only, skips, seed,
                    effectDirs, clip, judgeName, common.threads);
        } catch (InvalidRequestException e) {
            throw new CliSupport.UsageError("--only: " + e.getMessage());
        }
        var result = FewshotBenchmark.run(Models.store(), EmojiDataset.load(), config, out,
                label -> new Progress(label, steps, System.err, System.console() != null, 0), System.err::println);
        CliSupport.print(common, Map.of("report", out.resolve("report.json").toString(), "targets", result.targets()));
    }
}
