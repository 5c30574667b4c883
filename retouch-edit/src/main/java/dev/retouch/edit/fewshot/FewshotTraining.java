package dev.retouch.edit.fewshot;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains an effect from pairs and writes its directory. A run directory holds {@code run.json}
 * ({@link FewshotRun}), {@code pairs/} (the pairs at the effect's size), the checkpoint and {@code loss.csv}; a
 * resumed run reads all of them back, so it continues exactly (only the total step count may change).
 */
public final class FewshotTraining {
    public static final String RUN_JSON = "run.json";

    private FewshotTraining() {
    }

    /** The outcome: the trained effect, its directory, steps, wall time and the mean PSNR on its own pairs. */
    public record Result(Effect effect, Path effectDir, int steps, double seconds, double recentLoss,
                         double trainPsnr) {
    }

    /** Starts a new run in {@code runDir} (which must not hold one) and trains it. */
    public static Result start(List<ImagePair> pairs, FewshotRun run, Path runDir, Path effectDir,
                               StepListener listener) {
        if (Files.exists(runDir.resolve(RUN_JSON)) || Files.exists(runDir.resolve(Trainer.CHECKPOINT))) {
            throw new RetouchException(runDir + " already holds a training run: resume it, or choose another run "
                    + "directory");
        }
        Effect fresh = Effect.create(run.effect(), pairs, run.train().seed());
        PairFolder.write(runDir.resolve(Effect.PAIRS), fresh.pairs());
        Json.write(runDir.resolve(RUN_JSON), run);
        return train(fresh, run, runDir, effectDir, listener, false);
    }

    /** Continues the run in {@code runDir}; {@code steps} &gt; 0 changes its total step count. */
    public static Result resume(Path runDir, int steps, Path effectDir, StepListener listener) {
        Path json = runDir.resolve(RUN_JSON);
        FewshotRun run = readRun(runDir);
        if (steps > 0 && steps != run.train().steps()) {
            run = run.withSteps(steps);
            Json.write(json, run);
        }
        List<ImagePair> pairs = PairFolder.read(runDir.resolve(Effect.PAIRS), 2);
        Effect effect = Effect.create(run.effect(), pairs, run.train().seed());
        return train(effect, run, runDir, effectDir, listener, true);
    }

    /** Reads a run's settings. */
    public static FewshotRun readRun(Path runDir) {
        Path json = runDir.resolve(RUN_JSON);
        if (!Files.isRegularFile(json)) {
            throw new RetouchException("cannot resume: " + runDir + " has no " + RUN_JSON + " (not a fewshot run)");
        }
        return Json.read(json, FewshotRun.class);
    }

    private static Result train(Effect effect, FewshotRun run, Path runDir, Path effectDir, StepListener listener,
                                boolean resume) {
        Trainer trainer = new Trainer(effect.trainingTask(), run.train(), runDir);
        if (resume) {
            trainer.resume();
        }
        Trainer.Result r = trainer.run(listener);
        effect.network().loadStateDict(trainer.finalWeights(), true);
        effect.network().eval();
        double psnr = trainPsnr(effect);
        double[] loss = LossCurve.read(runDir.resolve(Trainer.LOSS_CSV));
        double recent = LossCurve.lastMean(loss, 100);
        effect.save(effectDir, trainer.finalWeights(),
                FewshotModelCard.of(effect, run, r.steps(), trainer.seconds(), loss, psnr));
        return new Result(effect, effectDir, r.steps(), trainer.seconds(), recent, psnr);
    }

    /** Mean PSNR of the effect applied to its own training pairs (seed k for pair k): how well it fits them. */
    static double trainPsnr(Effect effect) {
        double sum = 0;
        List<ImagePair> pairs = effect.pairs();
        for (int k = 0; k < pairs.size(); k++) {
            RgbImage out = effect.apply(pairs.get(k).before(), k);
            sum += Math.min(100, Metrics.psnr(pairs.get(k).after(), out, 1.0));
        }
        return sum / pairs.size();
    }

    /** "1,234 (0.56 s per step)". */
    static String perStep(double seconds, int steps) {
        return String.format(Locale.ROOT, "%.0f s (%.2f s per step)", seconds, seconds / Math.max(1, steps));
    }
}
