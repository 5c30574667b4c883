package dev.retouch.cli;

import dev.retouch.core.io.ModelDirectory;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import java.nio.file.Path;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
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

    @Option(names = "--face-head-only", paramLabel = "MODEL", description = "Retrain only the face-part head of this "
            + "judge (directory or shipped name) on the labelled TRAIN faces, --batch faces per step. The trunk and the "
            + "classifier stay bit-identical, so every subcategory and judge-FD number measured with it stays valid.")
    String faceHeadOnly;

    @Option(names = "--class-balance", description = "Weight the face-part loss per class by (median / frequency)^½ "
            + "of the TRAIN faces' pixels (rare parts such as tears and hands count more).")
    boolean classBalance;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--batch", batch, 2, 4096);
        run.checkFresh();
        if (faceHeadOnly != null) {
            runFaceHead();
            return;
        }
        if (classBalance) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--class-balance applies to --face-head-only runs");
        }
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
        res.putAll(rep.fields());
        res.put("model", run.modelDir().toString());
        CliSupport.print(common, res);
    }

    private void runFaceHead() {
        Path initDir = Models.resolve(faceHeadOnly);
        EmojiJudge judge = EmojiJudge.load(initDir);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        judge.stateDict().forEach((k, v) -> initial.put(k, v.clone()));
        EmojiDataset ds = EmojiDataset.load();
        JudgeData.Faces faces = JudgeData.faces(ds, Split.TRAIN);
        double[] weights = classBalance ? JudgeTask.balancedWeights(faces.maps(), judge.config().faceClasses()) : null;
        System.err.printf(Locale.ROOT, "retraining the face-part head of %s on %d labelled TRAIN faces%s%n", initDir,
                faces.names().size(), weights == null ? "" : ", class weights " + Arrays.toString(
                        Arrays.stream(weights).map(w -> Math.round(w * 100) / 100.0).toArray()));
        TrainConfig tc = new TrainConfig(steps, batch, lr, 100, 1e-4, 1.0, 0.999, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(JudgeTask.faceHeadOnly(judge, faces, weights), tc, run.out);
        Trainer.Result r = run.run(trainer, "train judge (face-part head)", steps);
        Map<String, Tensor> fin = new LinkedHashMap<>(trainer.finalWeights());
        for (var e : initial.entrySet()) {
            if (!EmojiJudge.isFaceHead(e.getKey()) && !torch.equal(fin.get(e.getKey()), e.getValue())) {
                throw new IllegalStateException("the frozen trunk changed in " + e.getKey());
            }
        }
        judge.loadStateDict(fin, true);
        judge.eval();
        JudgeReport before = JudgeReport.measure(EmojiJudge.load(initDir), ds, CliSupport::warn);
        JudgeReport rep = JudgeReport.measure(judge, ds, CliSupport::warn);
        String initCard = ModelDirectory.open(initDir).modelCard().orElse("");
        EmojiJudge.save(run.modelDir(), judge.config(), fin, headCard(faces, weights, tc, r, trainer.seconds(), before,
                rep, initCard));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("steps", r.steps());
        res.put("loss", r.recentLoss());
        res.put("seconds", trainer.seconds());
        res.put("face_mean_iou_before", before.faceMeanIou());
        res.putAll(rep.fields());
        res.put("model", run.modelDir().toString());
        CliSupport.print(common, res);
    }

    private String headCard(JudgeData.Faces faces, double[] weights, TrainConfig tc, Trainer.Result r, double seconds,
                            JudgeReport before, JudgeReport rep, String initCard) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        String[] names = Arrays.stream(FaceClass.values()).map(FaceClass::label).toArray(String[]::new);
        return String.format(Locale.ROOT, """
                # emoji-judge (face-part head retrained by `retouch train judge --face-head-only`)

                **Evaluation only** (see the stage-1 card below; `JudgeIsolationTest` enforces it).

                Stage 2: only the face-part head (laterals, seg_norm, seg_conv, seg_out) learnt, on the %d TRAIN-split
                labelled faces, %d faces per step, the same augmentation as stage 1, per-pixel cross-entropy%s. The
                trunk and the subcategory classifier were frozen and are bit-identical to stage 1's (checked when the
                model was written), so the classification and judge-FD numbers below are stage 1's exactly.

                """, faces.names().size(), tc.batchSize(), weights == null ? "" : ", class-weighted (median/frequency)^½ "
                        + "clipped to [0.2, 5]")
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train judge --face-head-only %s "
                        + "--steps %d --batch %d --lr %s%s --seed %d --out %s", faceHeadOnly, r.steps(), tc.batchSize(),
                lr, classBalance ? " --class-balance" : "", run.seed, run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss) + String.format(Locale.ROOT, """

                Measured by `bin/retouch eval judge --out out/eval-judge`:

                | measure | stage 1 | this model |
                |---|---|---|
                | subcategory top-1, TEST split (%d images) | %.3f | %.3f |
                | subcategory top-5, TEST split | %.3f | %.3f |
                | judge-FD, TRAIN vs TEST images | %.2f | %.2f |
                | face-part mean IoU, %d held-out faces, classes present in their labels | %.3f | %.3f |
                | face-part mean IoU, every class predicted or present | %.3f | %.3f |

                Face-part IoU per class (pooled over the held-out faces; – = absent from their labels):
                stage 1 %s; this model %s.

                """, rep.testImages(), before.top1(), rep.top1(), before.top5(), rep.top5(), before.trainTestFd(),
                rep.trainTestFd(), rep.heldOutFaces(), before.faceMeanIouPresent(), rep.faceMeanIouPresent(),
                before.faceMeanIou(), rep.faceMeanIou(), before.classIouText(names), rep.classIouText(names))
                + TrainingCard.lossCurve("loss", loss) + "\n---\n\n" + initCard.strip() + "\n";
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

                """, c.channels(), judge.parameterCount(), c.subcategories().size(), c.featureDim(), c.faceClasses(),
                train.labels().length, faces.names().size(), 100 * JudgeData.MIN_FACE_SHARE, faceWeight, tc.emaDecay())
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train judge --steps %d --batch %d --lr %s "
                        + "--face-weight %s --seed %d --out %s", r.steps(), tc.batchSize(), lr, faceWeight, run.seed,
                run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss) + String.format(Locale.ROOT, """

                Quality on data it never trained on (`bin/retouch eval judge --out out/eval-judge` re-measures):

                | measure | value |
                |---|---|
                | subcategory top-1, TEST split (%d images) | %.3f |
                | subcategory top-5, TEST split | %.3f |
                | TEST images of subcategories absent from TRAIN (not counted above) | %d |
                | face-part mean IoU, %d held-out labelled faces (VALIDATION + TEST) | %.3f |
                | judge-FD, TRAIN images vs TEST images (the floor for generated images) | %.2f |

                """, rep.testImages(), rep.top1(), rep.top5(), rep.testUnknown(), rep.heldOutFaces(), rep.faceMeanIou(),
                rep.trainTestFd())
                + TrainingCard.lossCurve("loss", loss);
    }
}
