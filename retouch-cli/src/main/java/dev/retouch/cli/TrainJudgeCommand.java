package dev.retouch.cli;

import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeConfig;
import dev.retouch.eval.judge.JudgeData;
import dev.retouch.eval.judge.JudgeReport;
import dev.retouch.eval.judge.JudgeTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train judge}: emoji-judge, the evaluation-only model. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Train emoji-judge, the evaluation-only CNN that scores every method (subcategory classifier, "
                + "Fréchet-distance features, face-part segmentation), on the TRAIN split of the Noto emoji only, "
                + "then report its test-split quality in the model card. No method may use it.",
        footer = {"", "Example:", "  bin/retouch train judge --steps 3000 --out runs/judge",
                "  bin/retouch train judge --steps 3000 --out runs/judge --resume   # continue after an interruption"})
final class TrainJudgeCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Option(names = "--steps", defaultValue = "3000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Emoji images per step; a quarter as many labelled "
            + "faces are added (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--face-weight", defaultValue = "1.0", description = "Weight of the face-part loss (default: ${DEFAULT-VALUE}).")
    double faceWeight;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--batch", batch, 2, 4096);
        run.checkFresh();
        EmojiDataset ds = EmojiDataset.load();
        var subs = JudgeData.subcategories(ds);
        JudgeConfig config = JudgeConfig.emoji(subs, FaceClass.values().length);
        JudgeData.Labelled train = JudgeData.classification(ds, Split.TRAIN, subs);
        JudgeData.Faces faces = JudgeData.faces(ds, Split.TRAIN);
        EmojiJudge judge = new EmojiJudge(config);
        judge.initialize(dev.retouch.core.tensor.Tensors.generator(run.seed));
        System.err.printf(Locale.ROOT, "training %,d parameters on %d TRAIN images of %d subcategories and %d labelled "
                + "faces%n", judge.parameterCount(), train.labels().length, subs.size(), faces.names().size());
        TrainConfig tc = new TrainConfig(steps, batch, lr, 200, 1e-4, 1.0, 0.999, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(new JudgeTask(judge, train, faces, faceWeight), tc, run.out);
        Trainer.Result r = run.run(trainer, "train judge", steps);
        judge.loadStateDict(trainer.finalWeights(), true);
        judge.eval();
        JudgeReport rep = JudgeReport.measure(judge, ds, CliSupport::warn);
        EmojiJudge.save(run.modelDir(), config, trainer.finalWeights(), modelCard(judge, train, faces, tc, r,
                trainer.seconds(), rep));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("steps", r.steps());
        res.put("loss", r.recentLoss());
        res.put("seconds", trainer.seconds());
        res.putAll(EvalJudgeCommand.fields(rep));
        res.put("model", run.modelDir().toString());
        CliSupport.print(common, res);
    }

    private String modelCard(EmojiJudge judge, JudgeData.Labelled train, JudgeData.Faces faces, TrainConfig tc,
                             Trainer.Result r, double seconds, JudgeReport rep) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        JudgeConfig c = judge.config();
        return String.format(Locale.ROOT, """
                # emoji-judge (trained by `retouch train judge`)

                **Evaluation only.** No method, guidance, loss or training task may use this model (the architecture
                test `JudgeIsolationTest` fails if any class outside the evaluation code refers to it), so it can
                score every method without having been optimised against.

                A convolutional network of its own (not CLIP, not a diffusion UNet): stride-2 stem, four levels of one
                residual block (widths %s at 32, 16, 8, 4 px), %,d parameters. Heads: subcategory classifier over
                the %d subcategories of the TRAIN split (emoji.json `subcategory`); the %d-d penultimate features
                (judge-FD); a 32×32 face-part map (pixelguide's %d classes). Reads RGB pixels in [−1, 1] at 64×64.

                Data: the %d TRAIN-split Noto emoji images (skin-tone variants included; splits are by base emoji)
                and the %d TRAIN-split yellow faces labelled by pixelguide's colour rules (`FaceLabeler`, maps at
                least %.0f %% face). Augmentation: zoom 0.8–1.2, rotation ±15°, shift ±10 %%, flips, brightness and
                contrast, blur or noise on a third of the images. Loss: cross-entropy + %.1f × per-pixel face-part
                cross-entropy. Weights: EMA (decay %.3f), fp16.

                Command (reproduces this run with the same seed on the same machine):

                    bin/retouch train judge --steps %d --batch %d --lr %s --face-weight %s --seed %d --out %s

                Steps: %d; wall time %.0f s (%.1f min) on the 2-core CPU machine, AdamW lr %s, %d warm-up steps,
                weight decay %.0e, gradient clipping %.1f. Mean of the last 100 losses: %.4f.

                Quality on data it never trained on (`bin/retouch eval judge --out out/eval-judge` re-measures):

                | measure | value |
                |---|---|
                | subcategory top-1, TEST split (%d images) | %.3f |
                | subcategory top-5, TEST split | %.3f |
                | TEST images of subcategories absent from TRAIN (not counted above) | %d |
                | face-part mean IoU, %d held-out labelled faces (VALIDATION + TEST) | %.3f |
                | judge-FD, TRAIN images vs TEST images (the floor for generated images) | %.2f |

                Loss curve (mean loss per window, from `loss.csv`):

                %s
                """, c.channels(), judge.parameterCount(), c.subcategories().size(), c.featureDim(), c.faceClasses(),
                train.labels().length, faces.names().size(), 100 * JudgeData.MIN_FACE_SHARE, faceWeight, tc.emaDecay(),
                r.steps(), tc.batchSize(), lr, faceWeight, run.seed, run.out,
                r.steps(), seconds, seconds / 60, lr, tc.warmupSteps(), tc.weightDecay(), tc.gradClip(),
                Arrays.stream(loss, Math.max(0, loss.length - 100), loss.length).average().orElse(Double.NaN),
                rep.testImages(), rep.top1(), rep.top5(), rep.testUnknown(), rep.heldOutFaces(), rep.faceMeanIou(),
                rep.trainTestFd(), LossCurve.markdown(loss, 10));
    }
}
