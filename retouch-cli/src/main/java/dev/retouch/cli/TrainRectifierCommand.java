package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.edit.rectifier.RectifiedModel;
import dev.retouch.edit.rectifier.Rectifier;
import dev.retouch.edit.rectifier.RectifierConfig;
import dev.retouch.edit.rectifier.RectifierTask;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train rectifier}: reconstruction training of paper 002's rectifier on a frozen pixel model. */
@Command(name = "rectifier", mixinStandardHelpOptions = true,
        description = "Train a rectifier (paper 002) for a pixel model with the noise-fitting loss (Eq. 3) on the "
                + "train-split emoji: the model stays frozen; the rectifier learns per-step offsets of the kernels "
                + "of its middle and up blocks from [x0, the model's x0 estimate]. Checkpoints go to --out; the "
                + "rectifier directory (config, fp16 weights, card; it refers to the base model) to --out/model.",
        footer = {"", "Examples:", "  bin/retouch train rectifier --model emoji-ddpm-32 --steps 4000 --out runs/rectifier",
                "  bin/retouch train rectifier --model emoji-ddpm-32 --steps 4000 --out runs/rectifier --resume"})
final class TrainRectifierCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "4000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Adam learning rate after warm-up (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--decay-every", defaultValue = "0", description = "Steps between learning-rate decays after "
            + "warm-up (default: ${DEFAULT-VALUE} = constant; the paper: 5000).")
    int decayEvery;

    @Option(names = "--decay", defaultValue = "0.9", description = "Factor of each decay (default: ${DEFAULT-VALUE}, "
            + "the paper's).")
    double decay;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--batch", batch, 1, 1024);
        CliSupport.requireRange("--lr", lr, 1e-8, 1);
        CliSupport.requireRange("--decay-every", decayEvery, 0, 10_000_000);
        CliSupport.requireRange("--decay", decay, 1e-6, 1);
        run.checkFresh();
        Path baseDir = Models.resolve(pixelModel.name);
        PixelDiffusionModel base = PixelDiffusionModel.load(baseDir); // a private copy: the task freezes it
        Path modelDir = run.modelDir().toAbsolutePath().normalize();
        // a shipped model by its name (the rectifier can then move with the models), any other by a relative path
        String baseRef = Rectifier.isName(pixelModel.name) ? pixelModel.name
                : modelDir.relativize(baseDir.toAbsolutePath().normalize()).toString().replace('\\', '/');
        RectifierConfig config = RectifierConfig.forUnet(base.unet(), baseRef);
        Rectifier rectifier = new Rectifier(config);
        rectifier.initialize(dev.retouch.core.tensor.Tensors.generator(run.seed));
        EmojiDataset ds = EmojiDataset.load();
        Tensor data = EmojiData.tensor(ds, base.sampleSize(), Split.TRAIN);
        System.err.printf(Locale.ROOT, "training a %,d-parameter rectifier (%d modulated layers) for %s on %d train-split "
                + "images%n", rectifier.parameterCount(), config.layers().size(), baseDir, data.size(0));
        TrainConfig tc = new TrainConfig(steps, batch, lr, Math.min(200, steps / 10), 0.0, 1.0, 0.999,
                run.checkpointEvery, run.seed, decayEvery, decay);
        Trainer trainer = new Trainer(new RectifierTask(new RectifiedModel(base, rectifier), data), tc, run.out);
        Trainer.Result r = run.run(trainer, "train rectifier", steps);
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        String card = String.format(Locale.ROOT, """
                # Rectifier for %s (trained by `retouch train rectifier`, paper 002)

                A hypernetwork of %,d parameters: a ResNet-style encoder (stages %s, 32 → 4 px) over the 6-channel
                [x₀, x̂₀(x_t)] and one subnet per modulated convolution (%d: every convolution of the base UNet's
                middle and up blocks), each emitting the two slim factors of its kernel offset Δ (width %d, time
                embedding %d), θ̂ = θ·(1 + Δ). The base model is frozen and referred to as `%s` in `config.json`
                (a shipped model's name, or a path relative to this directory).
                Trained with the noise-fitting loss (Eq. 3) on the base model's own prediction target, on the %d
                train-split emoji at %d×%d. Weights: EMA (decay %.3f), fp16. Learning rate after warm-up: %s.

                """, baseDir.getFileName(), rectifier.parameterCount(), config.encoderChannels(), config.layers().size(),
                config.subnetChannels(), config.timeDim(), baseRef, data.size(0), base.sampleSize(), base.sampleSize(),
                tc.emaDecay(), decayEvery == 0 ? "constant (the paper decays it in steps)"
                        : "× " + decay + " every " + decayEvery + " steps (the paper's step decay)")
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train rectifier --model %s --steps %d "
                        + "--batch %d --lr %s%s --seed %d --checkpoint-every %d --out %s", pixelModel.name, r.steps(),
                batch, lr, decayEvery == 0 ? "" : " --decay-every " + decayEvery + " --decay " + decay, run.seed,
                run.checkpointEvery, run.out))
                + "\n" + TrainingCard.run(r, tc, trainer.seconds(), loss) + "\n"
                + TrainingCard.lossCurve("noise-fitting loss", loss);
        Rectifier.save(run.modelDir(), config, trainer.finalWeights(), card);
        String result = Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(), "seconds", r.seconds(),
                "model", run.modelDir().toString()));
        System.out.println(common.json ? result : "rectifier written to " + run.modelDir());
        if (!r.finished()) {
            throw new RetouchException("stopped at step " + r.steps() + " of " + steps + ": resume with --resume");
        }
    }
}
