package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotRun;
import dev.retouch.edit.fewshot.FewshotTraining;
import dev.retouch.edit.fewshot.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train fewshot}: learn an effect from a folder of before/after pairs (paper 000). */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = "Learn an editing effect from a few before/after pairs (PAIRS/before/NAME.png, PAIRS/after/NAME.png), "
                + "trained from scratch: M_x, M_e, the autoencoder and the latent DiT M_y jointly, n-source-to-n-target "
                + "(--variant nn, n = --n), one-source-to-one-target (--variant one) or the pix2pix-style baseline "
                + "(--variant pix2pix). Images are resized to 64×64. Checkpoints, loss.csv and the run's settings go to "
                + "--run (default OUT/run); the self-contained effect (config.json, fp16 model.safetensors, pairs/, "
                + "train-pairs.txt, MODEL_CARD.md) to --out.",
        footer = {"", "Examples:",
                "  bin/retouch data skin-tone-pairs --tone 5 --split train --limit 20 --out pairs/dark-20",
                "  bin/retouch train fewshot --pairs pairs/dark-20 --steps 5000 --out effects/dark --run runs/dark",
                "  bin/retouch train fewshot --out effects/dark --run runs/dark --resume   # after an interruption"})
final class TrainFewshotCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--pairs", description = "Pair folder (required unless --resume).")
    Path pairs;

    @Option(names = "--out", required = true, description = "Effect directory to write.")
    Path out;

    @Option(names = "--run", description = "Run directory for checkpoints (default: OUT/run).")
    Path run;

    @Option(names = "--variant", defaultValue = "nn", description = "nn, one or pix2pix (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--n", defaultValue = "2", description = "n of n-source-to-n-target, 2-8 (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--skips", defaultValue = "high-pass", description = "Autoencoder skip connections: high-pass "
            + "(detail finer than the latent grid), full, or none (the paper's ablation) (default: ${DEFAULT-VALUE}).")
    String skips;

    @Option(names = "--steps", description = "Optimizer steps (default: 5000; with --resume: the run's own).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--sampling-steps", defaultValue = "10", description = "DDIM steps when the effect is applied (default: ${DEFAULT-VALUE}).")
    int samplingSteps;

    @Option(names = "--checkpoint-every", defaultValue = "250", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation and training draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the run in --run from its last checkpoint.")
    boolean resume;

    @Override
    public void run() {
        common.apply();
        Path runDir = run != null ? run : out.resolve("run");
        if (steps != null) {
            CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        }
        FewshotTraining.Result r;
        if (resume) {
            FewshotRun settings = FewshotTraining.readRun(runDir);
            int total = steps != null ? steps : settings.train().steps();
            System.err.println("resuming " + runDir + " (" + settings.effect().variant().label() + ", " + total + " steps)");
            r = FewshotTraining.resume(runDir, total, out, bar(total));
        } else {
            if (pairs == null) {
                throw new CliSupport.UsageError("--pairs is required (or --resume to continue a run)");
            }
            CliSupport.requireRange("--batch", batch, 1, 4096);
            CliSupport.requireRange("--n", n, 2, 8);
            CliSupport.requireRange("--lr", lr, 1e-7, 1);
            EffectVariant v = EffectVariant.parse(variant);
            EffectConfig config = withSkips(EffectConfig.emoji(v, n), skips)
                    .withSampling(new SamplingConfig(samplingSteps, 1.0, 1));
            List<ImagePair> ps = PairFolder.read(pairs, 2);
            int total = steps != null ? steps : 5000;
            TrainConfig tc = new TrainConfig(total, batch, lr, Math.min(200, total / 10), 0.0, 1.0, 0.999,
                    checkpointEvery, seed);
            String command = String.format(Locale.ROOT, "bin/retouch train fewshot --pairs %s --variant %s --n %d "
                    + "--skips %s --steps %d --batch %d --lr %s --sampling-steps %d --seed %d --out %s --run %s", pairs,
                    v.label(), n, skips, total, batch, lr, samplingSteps, seed, out, runDir);
            System.err.printf(Locale.ROOT, "training %s on %d pairs from %s%n", v.label(), ps.size(), pairs);
            r = FewshotTraining.start(ps, new FewshotRun(config, tc, command), runDir, out, bar(total));
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("effect", r.effectDir().toString());
        res.put("run", runDir.toString());
        res.put("steps", r.steps());
        res.put("seconds", r.seconds());
        res.put("loss", r.recentLoss());
        res.put("train_psnr", r.trainPsnr());
        CliSupport.print(common, res);
    }

    /** Applies --skips to the few-shot variants (the pix2pix U-Net has its own, ordinary skips). */
    static EffectConfig withSkips(EffectConfig c, String skips) {
        if (!EffectConfig.SKIPS.contains(skips)) {
            throw new CliSupport.UsageError("--skips must be high-pass, full or none, got '" + skips + "'");
        }
        return c.withSkips(skips);
    }

    private static Progress bar(int total) {
        return new Progress("train fewshot", total, System.err, System.console() != null, 0);
    }
}
