package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.pixelguide.ClassifierEvaluation;
import dev.retouch.edit.pixelguide.ClassifierTraining;
import dev.retouch.edit.pixelguide.LabelledFaces;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelGuide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.retouch.diffusion.train.TrainingCard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train pixelguide}: the per-timestep pixel classifiers of pixelguide. */
@Command(name = "pixelguide", mixinStandardHelpOptions = true,
        description = "Train pixelguide's pixel classifiers (one MLP per timestep of the respaced grid up to t = 740, "
                + "plus t = 0) on the labelled faces of --labels whose emoji are in the TRAIN split, and report per-class "
                + "IoU on the held-out labelled faces.",
        footer = {"", "Example:", "  bin/retouch train pixelguide --model emoji-ddpm-32 --labels data/pixelguide "
                + "--out models/pixelguide-emoji"})
final class TrainPixelguideCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--labels", defaultValue = "data/pixelguide", description = "Label set directory (default: ${DEFAULT-VALUE}).")
    Path labels;

    @Option(names = "--out", required = true, description = "Output model directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of noise, init and batches (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkModelOutput(out);
        PixelDiffusionModel m = pixelModel.load();
        LabelledFaces all = LabelledFaces.load(labels, EmojiDataset.load());
        LabelledFaces train = all.subset(false);
        LabelledFaces heldOut = all.subset(true);
        List<Integer> ts = PixelGuide.classifierTimesteps(m.schedule());
        var o = new ClassifierTraining.Options(128, 32, 1024, 12, 1e-3, seed);
        long t0 = System.nanoTime();
        PixelClassifiers pc = ClassifierTraining.train(m, pixelModel.name, train.tensor(), train.maps(), ts, o,
                Progress.stderr("classifiers", ts.size()));
        double secs = CliSupport.seconds(t0);
        List<ClassifierEvaluation.Scores> scores = new ArrayList<>();
        for (int t : List.of(0, 100, 200, 300, 400, 500, 600, 740)) {
            scores.add(ClassifierEvaluation.evaluate(pc, m, heldOut, t, seed));
        }
        pc.save(out, card(pc, train, heldOut, ts, secs, scores));
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.put("train_images", train.size());
        res.put("held_out_images", heldOut.size());
        res.put("seconds", secs);
        res.put("held_out", scores);
        CliSupport.print(common, res);
    }

    private String card(PixelClassifiers pc, LabelledFaces train, LabelledFaces heldOut, List<Integer> ts, double secs,
                        List<ClassifierEvaluation.Scores> scores) {
        StringBuilder table = new StringBuilder("| t | mean IoU | pixel accuracy | per class |\n|---|---|---|---|\n");
        for (var s : scores) {
            StringBuilder per = new StringBuilder();
            s.iou().forEach((k, v) -> per.append(String.format(Locale.ROOT, "%s %.2f, ", k, v)));
            table.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %s |%n", s.t(), s.meanIou(), s.accuracy(),
                    per.substring(0, Math.max(0, per.length() - 2))));
        }
        return String.format(Locale.ROOT, """
                # pixelguide pixel classifiers for %s

                DatasetDDPM-R pixel classifiers (paper 004): for each of %d timesteps (%s), an MLP
                Linear(%d→128)-ReLU-BN-Linear(128→32)-ReLU-BN-Linear(32→9) on the concatenated, bilinearly upsampled
                outputs of %s, trained on %d labelled faces of the TRAIN split (data/pixelguide, %s)
                noised with one shared seeded noise; Adam 1e-3, 1024-pixel batches, at most 12 epochs with early stop.
                Training took %.0f s on this machine.

                """, pixelModel.name, ts.size(), ts.size() > 6 ? ts.subList(0, 3) + "…" + ts.subList(ts.size() - 2, ts.size()) : ts,
                pc.config().features(), String.join(", ", pc.config().featureBlocks()), train.size(),
                String.join(" ", train.names()), secs)
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train pixelguide --model %s --labels %s "
                        + "--seed %d --out %s", pixelModel.name, labels, seed, out)) + String.format(Locale.ROOT, """

                Held-out labelled faces (%d: %s), per-class IoU pooled over their pixels, argmax of the classifier at t
                applied to q_sample(x0, t):

                %s""", heldOut.size(), String.join(" ", heldOut.names()), table);
    }
}
