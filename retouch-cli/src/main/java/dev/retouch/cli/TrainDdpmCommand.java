package dev.retouch.cli;

import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.core.RetouchException;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.DdpmTask;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.diffusion.unet.UNet2DConfig;
import dev.retouch.core.io.Json;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/** {@code retouch train ddpm}: the unconditional pixel-space emoji model. */
@Command(name = "ddpm", mixinStandardHelpOptions = true,
        description = "Train an unconditional pixel-space DDPM on every Noto emoji (1000-step schedule; linear β and "
                + "ε-prediction unless chosen otherwise). Checkpoints go to --out; the final EMA model goes to "
                + "--out/model.",
        footer = {"", "Example:", "  bin/retouch train ddpm --steps 12000 --batch 16 --out runs/ddpm32",
                "  bin/retouch train ddpm --init-from emoji-ddpm-32 --min-snr-gamma 5 --steps 3000 --out runs/more",
                "  bin/retouch train ddpm --out runs/ddpm32 --resume   # continue after an interruption"})
final class TrainDdpmCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Mixin
    TrainRecipe recipe;

    @Option(names = "--steps", defaultValue = "12000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--base-channels", defaultValue = "32", description = "UNet base channels (default: ${DEFAULT-VALUE}).")
    int baseChannels;

    @Option(names = "--size", defaultValue = "32", description = "Image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--schedule", defaultValue = "LINEAR",
            description = "β schedule: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; 1e-4 → 0.02 for LINEAR).")
    BetaSchedule schedule;

    @Option(names = "--ema-decay", defaultValue = "0.999", description = "EMA decay of the shipped weights "
            + "(default: ${DEFAULT-VALUE}).")
    double emaDecay;

    @Option(names = "--flip", description = "Random horizontal flips (off by default: flags, arrows and text are not "
            + "symmetric).")
    boolean flip;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from this pixel model's weights (shipped "
            + "name or directory; its UNet architecture is used) instead of a random initialisation.")
    String initFrom;

    private String modelCard(PixelDiffusionModel model, long images, TrainConfig tc, Trainer.Result r, double seconds) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        return String.format(Locale.ROOT, """
                # Pixel-space DDPM (trained by `retouch train ddpm`)

                Unconditional %d×%d RGB `UNet2DModel` (%,d parameters), %d-step %s schedule, %s prediction, trained on
                %d Noto emoji images (all splits, composited on white, area-resized from 64×64). Weights: EMA (decay
                %.4f), stored as fp16.

                """, size, size, model.unet().parameterCount(), model.schedule().numTrainTimesteps(),
                model.config().noise().betaSchedule(), model.config().noise().predictionType(), images, tc.emaDecay())
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train ddpm --steps %d --batch %d "
                        + "--lr %s --base-channels %d --size %d --seed %d --checkpoint-every %d%s --out %s", r.steps(),
                tc.batchSize(), lr, baseChannels, size, run.seed, run.checkpointEvery, recipeOptions(), run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss) + "\n"
                + TrainingCard.lossCurve("training loss (MSE on the prediction target, Min-SNR weighted when on)", loss);
    }

    /** The recipe options that differ from the defaults, as command-line text for the model card. */
    private String recipeOptions() {
        StringBuilder b = new StringBuilder();
        if (schedule != BetaSchedule.LINEAR) {
            b.append(" --schedule ").append(schedule);
        }
        b.append(recipe.changed());
        if (emaDecay != 0.999) {
            b.append(" --ema-decay ").append(emaDecay);
        }
        if (flip) {
            b.append(" --flip");
        }
        if (initFrom != null) {
            b.append(" --init-from ").append(initFrom);
        }
        return b.toString();
    }

    /** Set by {@link #initialModel}: --init-from a model of the same noise process (its EMA continues undamped). */
    private boolean continuesSameObjective;

    /** A fresh model of the options' architecture and schedule, or (--init-from) the given model's weights. */
    private PixelDiffusionModel initialModel() {
        NoiseScheduleConfig base = NoiseScheduleConfig.ddpmLinear();
        NoiseScheduleConfig noise = new NoiseScheduleConfig(base.numTrainTimesteps(), base.betaStart(), base.betaEnd(),
                schedule, recipe.prediction, base.clipSample(), base.clipSampleRange());
        if (initFrom == null) {
            UNet2DConfig unet = new UNet2DConfig(size, 3, 3, baseChannels, List.of(1, 2, 2), 2, List.of(size / 4),
                    Math.min(32, baseChannels), Math.min(32, baseChannels), 1e-5, 0.0, true, 0);
            return PixelDiffusionModel.create(DdpmConfig.of(unet, noise), run.seed);
        }
        PixelDiffusionModel source = PixelDiffusionModel.load(Models.resolve(initFrom));
        UNet2DConfig unet = source.config().unet();
        if (unet.baseChannels() != baseChannels || unet.sampleSize() != size) {
            throw new RetouchException("--init-from " + initFrom + " has base channels " + unet.baseChannels()
                    + " and size " + unet.sampleSize() + ", but the run asks for " + baseChannels + " and " + size
                    + ": pass the same --base-channels and --size (or none)");
        }
        PixelDiffusionModel model = new PixelDiffusionModel(DdpmConfig.of(unet, noise), source.unet());
        continuesSameObjective = noise.equals(source.config().noise());
        System.err.println("starting from the weights of " + Models.resolve(initFrom));
        return model;
    }

    @Override
    public void run() {
        common.apply();
        recipe.validate();
        run.checkFresh();
        PixelDiffusionModel model = initialModel();
        Tensor data = EmojiData.tensor(EmojiDataset.load(), size);
        System.err.printf(Locale.ROOT, "training %,d parameters on %d images of %d×%d%n",
                model.unet().parameterCount(), data.size(0), size, size);
        TrainConfig tc = new TrainConfig(steps, batch, lr, recipe.warmup, 0.0, 1.0, emaDecay, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(new DdpmTask(model.unet(), model.schedule(), data, flip, recipe.minSnrGamma), tc,
                run.out, !continuesSameObjective);
        Trainer.Result r = run.run(trainer, "train ddpm", steps);
        String card = modelCard(model, data.size(0), tc, r, trainer.seconds());
        model.save(run.modelDir(), trainer.finalWeights(), card);
        String result = Json.toJson(java.util.Map.of("steps", r.steps(), "loss", r.recentLoss(),
                "seconds", r.seconds(), "model", run.modelDir().toString()));
        System.out.println(common.json ? result : "model written to " + run.modelDir());
    }
}
