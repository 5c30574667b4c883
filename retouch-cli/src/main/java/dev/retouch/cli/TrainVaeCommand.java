package dev.retouch.cli;

import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.diffusion.train.VaeTask;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import dev.retouch.diffusion.vae.VaeScores;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Map;

/** {@code retouch train vae}: the emoji autoencoder (64×64×3 ↔ 4×16×16). */
@Command(name = "vae", mixinStandardHelpOptions = true,
        description = "Train an AutoencoderKL on the train split of the Noto emoji (64×64) with L1 + SSIM + a small "
                + "KL term, measure its latent scaling factor and its test-split PSNR/SSIM. Checkpoints go to --out; "
                + "the final model to --out/model.",
        footer = {"", "Example:", "  bin/retouch train vae --steps 6000 --out runs/vae",
                "  bin/retouch train vae --steps 6000 --out runs/vae --resume   # continue after an interruption",
                "  bin/retouch train vae --init emoji-vae --decoder-only --crop 64 --steps 1500 --out runs/vae-dec"})
final class TrainVaeCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "6000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--ssim-weight", defaultValue = "0.5", description = "Weight of 1 − SSIM (default: ${DEFAULT-VALUE}).")
    double ssimWeight;

    @Option(names = "--kl-weight", defaultValue = "1e-3", description = "Weight of the per-element KL (default: ${DEFAULT-VALUE}).")
    double klWeight;

    @Option(names = "--mse-weight", defaultValue = "0", description = "Weight of a mean-squared-error term (pixels "
            + "in [−1, 1]); PSNR is a squared-error measure (default: ${DEFAULT-VALUE}).")
    double mseWeight;

    @Option(names = "--crop", defaultValue = "32", description = "Side of the random grid-aligned training crops; 64 "
            + "trains on whole images (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from this autoencoder model directory (or "
            + "shipped model name) instead of random weights; its config is kept.")
    String init;

    @Option(names = "--decoder-only", description = "Freeze the encoder (needs --init): only the decoder learns, "
            + "without the KL term, so the latent space, its scaling factor and every latent model trained on it stay "
            + "valid.")
    boolean decoderOnly;

    @Override
    public void run() {
        common.apply();
        if (decoderOnly && init == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--decoder-only needs --init: there is no encoder to keep in a fresh autoencoder");
        }
        run.checkFresh();
        java.nio.file.Path initDir = init == null ? null : Models.resolve(init);
        AutoencoderKL vae;
        if (initDir != null) {
            vae = AutoencoderKL.load(initDir);
            System.err.println("initialised from " + initDir);
        } else {
            vae = new AutoencoderKL(AutoencoderKLConfig.emoji());
            vae.initialize(dev.retouch.core.tensor.Tensors.generator(run.seed));
        }
        AutoencoderKLConfig config = vae.config();
        EmojiDataset dataset = EmojiDataset.load();
        Tensor train = EmojiData.tensor(dataset, config.sampleSize(), Split.TRAIN);
        System.err.printf(Locale.ROOT, "training %,d parameters on %d images of %d×%d%n", vae.parameterCount(),
                train.size(0), config.sampleSize(), config.sampleSize());
        TrainConfig tc = new TrainConfig(steps, batch, lr, 200, 0.0, 1.0, 0.999, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(new VaeTask(vae, train, ssimWeight, klWeight, crop, decoderOnly, mseWeight), tc, run.out);
        Trainer.Result r = run.run(trainer, "train vae", steps);
        vae.loadStateDict(trainer.finalWeights(), true);
        vae.eval();
        // a frozen encoder leaves the latents, and so the scaling factor, exactly as they were
        double scale = decoderOnly ? config.scalingFactor() : VaeScores.scalingFactor(vae, train, 64);
        Tensor test = EmojiData.tensor(dataset, config.sampleSize(), Split.TEST);
        VaeScores.Result scores = VaeScores.evaluate(vae, test, 64);
        AutoencoderKLConfig saved = config.withScalingFactor(scale);
        AutoencoderKL.save(run.modelDir(), saved, trainer.finalWeights(),
                modelCard(vae, train.size(0), tc, r, trainer.seconds(), scale, scores));
        String result = Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(), "seconds", r.seconds(),
                "scaling_factor", scale, "test_psnr", scores.psnr(), "test_ssim", scores.ssim(),
                "model", run.modelDir().toString()));
        System.out.println(common.json ? result : String.format(Locale.ROOT,
                "model written to %s (test PSNR %.2f dB, SSIM %.4f, scaling factor %.4f)", run.modelDir(),
                scores.psnr(), scores.ssim(), scale));
    }

    private String modelCard(AutoencoderKL vae, long images, TrainConfig tc, Trainer.Result r, double seconds,
                             double scale, VaeScores.Result scores) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        AutoencoderKLConfig c = vae.config();
        return String.format(Locale.ROOT, """
                # emoji-vae (trained by `retouch train vae`)

                `AutoencoderKL` (diffusers layout), %d×%d×%d ↔ %d×%d×%d latents, block channels %s, %d resnet(s) per
                encoder level, %,d parameters. Trained on the %d train-split Noto emoji images (composited on
                white) with L1 + %.2f·(1 − SSIM)%s + %.0e·KL per element, random horizontal flips and %d×%d crops. Weights: EMA (decay
                %.4f), stored as fp16.%s

                """, c.inChannels(), c.sampleSize(), c.sampleSize(), c.latentChannels(), c.latentSize(), c.latentSize(),
                c.blockOutChannels(), c.layersPerBlock(), vae.parameterCount(), images, ssimWeight, mseWeight > 0
                        ? String.format(Locale.ROOT, " + %.2f·MSE", mseWeight) : "", klWeight, crop, crop,
                tc.emaDecay(), initParagraph())
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train vae --steps %d --batch %d --lr %s "
                        + "--ssim-weight %s --kl-weight %s --crop %d%s --seed %d --checkpoint-every %d --out %s",
                r.steps(), tc.batchSize(), lr, ssimWeight, klWeight, crop, (mseWeight > 0 ? " --mse-weight " + mseWeight
                        : "") + (init == null ? "" : " --init " + init + (decoderOnly ? " --decoder-only" : "")),
                run.seed, run.checkpointEvery, run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss) + String.format(Locale.ROOT, """

                Latent scaling factor (1 / std of the latent means over the train split): %.5f.

                Reconstruction of the %d test-split images (posterior mode, decoder output clamped to [0, 1]): mean
                PSNR %.2f dB, mean SSIM %.4f (scikit-image's Gaussian SSIM). Re-measure with
                `bin/retouch eval vae --model <this directory>`.

                """, scale, scores.n(), scores.psnr(), scores.ssim())
                + TrainingCard.lossCurve("loss", loss);
    }

    private String initParagraph() {
        if (init == null) {
            return "";
        }
        return "\n\nInitialised from `" + init + "` (its own card says how it was trained)" + (decoderOnly
                ? "; only the decoder and post_quant_conv learnt (encoder frozen, no KL term), so the latent space and "
                + "its scaling factor are exactly the initial model's and latent models trained on it stay valid."
                : "; every weight learnt, so the latent space moved: latent models trained on the initial one must be "
                + "retrained.");
    }
}
