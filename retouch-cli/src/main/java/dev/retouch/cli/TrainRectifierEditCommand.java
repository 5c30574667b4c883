package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.edit.rectifier.DirectionalClipLoss;
import dev.retouch.edit.rectifier.EditImages;
import dev.retouch.edit.rectifier.RectifiedModel;
import dev.retouch.edit.rectifier.Rectifier;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.edit.rectifier.RectifierEditTask;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train rectifier-edit}: paper 002's editing training (Algorithm 1) of a rectifier. */
@Command(name = "rectifier-edit", mixinStandardHelpOptions = true,
        description = "Train an attribute edit (paper 002, Algorithm 1): a copy of a reconstruction rectifier learns "
                + "to move the frozen model's one-step estimate of x0, from x_t on the images' original noising "
                + "trajectory, along the text direction source -> target of a CLIP model (directional CLIP loss, "
                + "Eq. 4), held to the image by L1 (Eq. 5). The edit (rectifier + edit.json naming the prompts and "
                + "the reconstruction rectifier it inverts with) goes to --out/model; apply it with `retouch edit "
                + "rectifier`.",
        footer = {"", "--images takes a split (train, validation, test), a split with a subcategory prefix "
                + "(train:face- = the split's faces), or a folder of PNG/JPEG images.", "",
                "Examples:",
                "  bin/retouch train rectifier-edit --rectifier rectifier-emoji-ddpm-32 --source \"grinning face\" \\",
                "      --target \"crying face\" --images train:face- --out runs/edit-crying",
                "  bin/retouch train rectifier-edit --rectifier runs/rectifier/model --source \"face\" --target \"cat face\" \\",
                "      --images my-faces/ --steps 200 --out runs/edit-cat"})
final class TrainRectifierEditCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Option(names = "--rectifier", required = true, paramLabel = "DIR",
            description = "The reconstruction rectifier to start from (name or directory; its base model is edited).")
    String rectifier;

    @Option(names = "--source", required = true, description = "Text of what the images show (e.g. \"grinning face\").")
    String source;

    @Option(names = "--target", required = true, description = "Text of what they should show (e.g. \"crying face\").")
    String target;

    @Option(names = "--images", required = true, paramLabel = "SPLIT[:PREFIX]|FOLDER",
            description = "Training images: an emoji split, optionally only subcategories starting with PREFIX, or a "
                    + "folder of images.")
    String images;

    @Option(names = "--clip", defaultValue = "emoji-clip", description = "CLIP model of the directional loss "
            + "(default: ${DEFAULT-VALUE}).")
    String clip;

    @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "4", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}, "
            + "the paper's).")
    double lr;

    @Option(names = "--decay-every", defaultValue = "10", description = "Steps between learning-rate decays "
            + "(default: ${DEFAULT-VALUE}, the paper's; 0 = constant).")
    int decayEvery;

    @Option(names = "--decay", defaultValue = "0.9", description = "Factor of each decay (default: ${DEFAULT-VALUE}).")
    double decay;

    @Option(names = "--lambda-clip", defaultValue = "1", description = "Weight of the directional CLIP loss "
            + "(default: ${DEFAULT-VALUE}).")
    double lambdaClip;

    @Option(names = "--lambda-l1", defaultValue = "1", description = "Weight of the L1 loss to the image "
            + "(default: ${DEFAULT-VALUE}).")
    double lambdaL1;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--batch", batch, 1, 1024);
        CliSupport.requireRange("--lr", lr, 1e-8, 1);
        CliSupport.requireRange("--decay-every", decayEvery, 0, 10_000_000);
        CliSupport.requireRange("--decay", decay, 1e-6, 1);
        CliSupport.requireRange("--lambda-clip", lambdaClip, 0, 1e6);
        CliSupport.requireRange("--lambda-l1", lambdaL1, 0, 1e6);
        if (lambdaClip + lambdaL1 == 0) {
            throw new CliSupport.UsageError("--lambda-clip and --lambda-l1 are both 0: nothing to train");
        }
        if (source.isBlank() || target.isBlank()) {
            throw new CliSupport.UsageError("--source and --target must not be empty");
        }
        run.checkFresh();
        Path rectDir = Models.resolve(rectifier).toAbsolutePath().normalize();
        if (RectifierEdit.isEdit(rectDir)) {
            throw new CliSupport.UsageError(rectDir + " is an edit; start from a reconstruction rectifier (`retouch "
                    + "train rectifier`)");
        }
        Rectifier start = Rectifier.load(rectDir);
        Path baseDir = Rectifier.baseDir(rectDir, start.config(), Models::resolve).toAbsolutePath().normalize();
        PixelDiffusionModel base = PixelDiffusionModel.load(baseDir); // a private copy: the task freezes it
        Clip clipModel = Clip.load(Models.resolve(clip));
        DirectionalClipLoss direction = new DirectionalClipLoss(clipModel, source, target);
        Tensor data = images(base.sampleSize());
        Path modelDir = run.modelDir().toAbsolutePath().normalize();
        String baseRef = reference(Rectifier.isName(start.config().base()) ? start.config().base() : null, baseDir,
                modelDir);
        String inversionRef = reference(Rectifier.isName(rectifier) ? rectifier : null, rectDir, modelDir);
        RectifiedModel model = new RectifiedModel(base, start);
        System.err.printf(Locale.ROOT, "training the edit \"%s\" -> \"%s\" of %s on %d images, from %s%n", source,
                target, baseDir.getFileName(), data.size(0), rectDir);
        TrainConfig tc = new TrainConfig(steps, batch, lr, 0, 0.0, 1.0, 0.0, run.checkpointEvery, run.seed,
                decayEvery, decay);
        Trainer trainer = new Trainer(new RectifierEditTask(model, direction, data, lambdaClip, lambdaL1), tc,
                run.out, false);
        Trainer.Result r = run.run(trainer, "train rectifier-edit", steps);
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        String card = String.format(Locale.ROOT, """
                # Rectifier edit "%s" → "%s" on %s (trained by `retouch train rectifier-edit`, paper 002)

                Paper 002's editing training (Algorithm 1): a copy of the reconstruction rectifier `%s` (inverting
                with it, regenerating with this one) learns from x_t on the images' original noising trajectory, t
                uniform over the whole interval, to move the frozen model's one-step estimate of x₀ along the
                direction "%s" → "%s" of `%s` (directional CLIP loss, Eq. 4, weight %s) while L1 holds it to the
                image (Eq. 5, weight %s). %d training images (`%s`) at %d×%d. Adam, learning rate %s × %s every %d
                steps (the paper's), no EMA, fp16 weights. `%s` drove the training: it never judges this edit.

                """, source, target, baseDir.getFileName(), inversionRef, source, target, clip, lambdaClip, lambdaL1,
                data.size(0), images, base.sampleSize(), base.sampleSize(), lr, decay, decayEvery, clip)
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train rectifier-edit --rectifier %s "
                        + "--source \"%s\" --target \"%s\" --images %s --steps %d --batch %d --lr %s --decay-every %d "
                        + "--decay %s --lambda-clip %s --lambda-l1 %s --seed %d --out %s", rectifier, source, target,
                images, r.steps(), batch, lr, decayEvery, decay, lambdaClip, lambdaL1, run.seed, run.out))
                + "\n" + TrainingCard.run(r, tc, trainer.seconds(), loss) + "\n"
                + TrainingCard.lossCurve("λ_CLIP·L_direction + λ_L1·L1", loss);
        RectifierEdit.save(run.modelDir(), start.config().withBase(baseRef), trainer.finalWeights(),
                new RectifierEdit.Spec(source, target, inversionRef, lambdaClip, lambdaL1, images, r.steps(), batch),
                card);
        String result = Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(), "seconds", r.seconds(),
                "model", run.modelDir().toString()));
        System.out.println(common.json ? result : "edit written to " + run.modelDir());
        if (!r.finished()) {
            throw new RetouchException("stopped at step " + r.steps() + " of " + steps + ": resume with --resume");
        }
    }

    /** A shipped model's name when given by name (the edit can move with the models), else a relative path. */
    private static String reference(String name, Path target, Path from) {
        return name != null ? name : from.relativize(target).toString().replace('\\', '/');
    }

    /** The training images at {@code size}, (N, 3, size, size) in [−1, 1]. */
    private Tensor images(int size) {
        return EditImages.tensor(EditImages.load(images, size, CliSupport.MAX_PIXELS, EmojiDataset::load));
    }
}
