package dev.retouch.cli;

import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.DdpmTask;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
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
        description = "Train an unconditional pixel-space DDPM on every Noto emoji (1000-step linear schedule, "
                + "ε-prediction). Checkpoints go to --out; the final EMA model goes to --out/model.",
        footer = {"", "Example:", "  bin/retouch train ddpm --steps 12000 --batch 16 --out runs/ddpm32",
                "  bin/retouch train ddpm --out runs/ddpm32 --resume   # continue after an interruption"})
final class TrainDdpmCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

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

    private String modelCard(PixelDiffusionModel model, long images, TrainConfig tc, Trainer.Result r, double seconds) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        return String.format(Locale.ROOT, """
                # Pixel-space DDPM (trained by `retouch train ddpm`)

                Unconditional %d×%d RGB `UNet2DModel` (%,d parameters), %d-step %s schedule, %s prediction, trained on
                %d Noto emoji images (all splits, composited on white, area-resized from 64×64). Weights: EMA (decay
                %.4f), stored as fp16.

                Command (reproduces this run with the same seed on the same machine):

                    bin/retouch train ddpm --steps %d --batch %d --lr %s --base-channels %d --size %d --seed %d \\
                        --checkpoint-every %d --out %s

                Steps: %d; wall time: %.0f s (%.1f h) on this machine, batch %d, AdamW lr %s with %d warm-up steps,
                gradient clipping at %.1f. Mean of the last 100 losses: %.4f.

                Loss curve (mean ε-MSE per window, from `loss.csv`):

                %s
                """, size, size, model.unet().parameterCount(), model.schedule().numTrainTimesteps(),
                model.config().noise().betaSchedule(), model.config().noise().predictionType(), images, tc.emaDecay(),
                r.steps(), tc.batchSize(), lr, baseChannels, size, run.seed, run.checkpointEvery, run.out, r.steps(), seconds,
                seconds / 3600, tc.batchSize(), lr, tc.warmupSteps(), tc.gradClip(),
                java.util.Arrays.stream(loss, Math.max(0, loss.length - 100), loss.length).average().orElse(Double.NaN),
                LossCurve.markdown(loss, 10));
    }

    @Override
    public void run() {
        common.apply();
        run.checkFresh();
        UNet2DConfig unet = new UNet2DConfig(size, 3, 3, baseChannels, List.of(1, 2, 2), 2, List.of(size / 4),
                Math.min(32, baseChannels), Math.min(32, baseChannels), 1e-5, 0.0, true, 0);
        DdpmConfig config = DdpmConfig.of(unet, NoiseScheduleConfig.ddpmLinear());
        PixelDiffusionModel model = PixelDiffusionModel.create(config, run.seed);
        Tensor data = EmojiData.tensor(EmojiDataset.load(), size);
        System.err.printf(Locale.ROOT, "training %,d parameters on %d images of %d×%d%n",
                model.unet().parameterCount(), data.size(0), size, size);
        TrainConfig tc = new TrainConfig(steps, batch, lr, 500, 0.0, 1.0, 0.999, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(new DdpmTask(model.unet(), model.schedule(), data, false), tc, run.out);
        Trainer.Result r = run.run(trainer, "train ddpm", steps);
        String card = modelCard(model, data.size(0), tc, r, trainer.seconds());
        model.save(run.modelDir(), trainer.finalWeights(), card);
        String result = Json.toJson(java.util.Map.of("steps", r.steps(), "loss", r.recentLoss(),
                "seconds", r.seconds(), "model", run.modelDir().toString()));
        System.out.println(common.json ? result : "model written to " + run.modelDir());
    }
}
