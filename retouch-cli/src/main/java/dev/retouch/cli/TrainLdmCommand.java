package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.model.LdmConfig;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.LdmData;
import dev.retouch.diffusion.train.LdmTask;
import dev.retouch.diffusion.train.TwoPanelTask;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.data.emoji.PanelPairs;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKL;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train ldm}: emoji-ldm, the text-conditional UNet on emoji-vae latents and emoji-clip states. */
@Command(name = "ldm", mixinStandardHelpOptions = true,
        description = "Train a text-to-image latent diffusion model on the train split of the Noto emoji: the "
                + "images are encoded once with the autoencoder (--vae) and the captions once with the text encoder "
                + "(--clip), then a UNet2DConditionModel (emoji structure, cross-attention width = the text width) "
                + "learns ε- (or v-) prediction with 10 %% caption dropout for classifier-free guidance. Checkpoints go to "
                + "--out; the final EMA model to --out/model, referring to --vae and --clip by relative paths.",
        footer = {"", "Example:", "  bin/retouch train ldm --vae emoji-vae --clip emoji-clip --steps 20000 --out runs/ldm",
                "  bin/retouch train ldm --vae emoji-vae --clip emoji-clip --out runs/ldm --resume   # continue",
                "  bin/retouch train ldm --vae emoji-vae --clip emoji-clip --init-from emoji-ldm --steps 4000 "
                        + "--warmup 100 --out runs/ldm-stage2   # a next stage"})
final class TrainLdmCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Mixin
    TrainRecipe recipe;

    @Option(names = "--vae", required = true, description = "Autoencoder model name or directory.")
    String vae;

    @Option(names = "--clip", required = true, description = "CLIP model name or directory (the text encoder).")
    String clip;

    @Option(names = "--steps", defaultValue = "20000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--caption-dropout", defaultValue = "0.1",
            description = "Probability of training on the empty prompt instead of the caption (default: ${DEFAULT-VALUE}).")
    double captionDropout;

    @Option(names = "--caption-variants", description = "Also train on each image's caption in its two shorter "
            + "phrasings, the emoji's name alone and its subcategory alone (each with its skin tones): three (image, "
            + "caption) pairs per image, so that a prompt is not one fixed string per image.")
    boolean captionVariants;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N train-split images only "
            + "(0 = all; for quick trials).")
    int limit;

    @Option(names = "--two-panel", paramLabel = "N", defaultValue = "0", description = "Teach two-panel canvases "
            + "instead (paper 003's pair generation): train on N composites of two train-split images side by side "
            + "(latents concatenated along the width; half the same emoji in two skin tones, half two yellow faces; "
            + "never a man/woman pair), each captioned by its joint caption, the left or the right image's own "
            + "caption, or nothing. Usually with --init-from. 0 = off (default).")
    int twoPanel;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from this latent model's UNet weights "
            + "(shipped name or directory; same structure, noise schedule and autoencoder) instead of a random "
            + "initialisation: training in stages, each stage a shippable model.")
    String initFrom;

    /** Set by {@link #initialModel}: --init-from a model of the same noise process and target. */
    private boolean sameObjective;

    /** A fresh UNet, or (--init-from) the given model's, which must match {@code config} and use the same VAE. */
    private LatentDiffusionModel initialModel(LdmConfig config, Path vaeDir) {
        if (initFrom == null) {
            return LatentDiffusionModel.create(config, run.seed);
        }
        Path dir = Models.resolve(initFrom);
        LatentDiffusionModel source = LatentDiffusionModel.load(dir);
        NoiseScheduleConfig a = source.config().noise();
        NoiseScheduleConfig b = config.noise();
        if (!source.config().unet().equals(config.unet()) || a.numTrainTimesteps() != b.numTrainTimesteps()
                || a.betaSchedule() != b.betaSchedule() || a.betaStart() != b.betaStart() || a.betaEnd() != b.betaEnd()) {
            throw new RetouchException("--init-from " + dir + ": its UNet structure or β schedule differs from "
                    + "the one this command trains (" + source.config().unet() + ", " + a + ")");
        }
        Path sourceVae = dir.resolve(source.config().vae()).toAbsolutePath().normalize();
        if (!sameWeights(sourceVae, vaeDir)) {
            throw new RetouchException("--init-from " + dir + " was trained on the latents of " + sourceVae
                    + ", whose weights differ from --vae " + vaeDir + ": its UNet would not fit these latents");
        }
        System.err.println("starting from the UNet weights of " + dir);
        sameObjective = a.equals(b);
        return new LatentDiffusionModel(config, source.unet());
    }

    /** Whether two model directories hold the same weights file (byte for byte). */
    private static boolean sameWeights(Path a, Path b) {
        try {
            return java.nio.file.Files.mismatch(a.resolve("model.safetensors"), b.resolve("model.safetensors")) == -1;
        } catch (java.io.IOException e) {
            throw new RetouchException("cannot compare the autoencoders " + a + " and " + b + ": " + e.getMessage(), e);
        }
    }

    /** The recipe options that differ from the defaults, as command-line text for the model card. */
    private String recipeOptions() {
        return recipe.changed() + (initFrom != null ? " --init-from " + initFrom : "")
                + (twoPanel > 0 ? " --two-panel " + twoPanel : "") + (captionVariants ? " --caption-variants" : "");
    }

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--caption-dropout", captionDropout, 0, 1);
        recipe.validate();
        CliSupport.requireRange("--limit", limit, 0, Integer.MAX_VALUE);
        CliSupport.requireRange("--two-panel", twoPanel, 0, 1_000_000);
        if (twoPanel > 0 && captionVariants) {
            throw new dev.retouch.core.InvalidRequestException("--two-panel and --caption-variants cannot be combined");
        }
        if (twoPanel > 0 && limit > 0) {
            throw new dev.retouch.core.InvalidRequestException("--two-panel and --limit cannot be combined: the "
                    + "composites are drawn from the whole train split");
        }
        run.checkFresh();
        Path vaeDir = Models.resolve(vae);
        Path clipDir = Models.resolve(clip);
        AutoencoderKL autoencoder = AutoencoderKL.load(vaeDir);
        Clip textEncoder = Clip.load(clipDir);
        Path modelDir = run.modelDir();
        LdmConfig sd = LdmConfig.of(UNet2DConditionConfig.emoji(), autoencoder.config(),
                textEncoder.model().config().text().width(), relative(modelDir, vaeDir), relative(modelDir, clipDir));
        NoiseScheduleConfig n = sd.noise();
        LdmConfig config = new LdmConfig(LdmConfig.TYPE, sd.unet(), new NoiseScheduleConfig(n.numTrainTimesteps(),
                n.betaStart(), n.betaEnd(), n.betaSchedule(), recipe.prediction, n.clipSample(), n.clipSampleRange()),
                sd.vae(), sd.textEncoder());
        LatentDiffusionModel model = initialModel(config, vaeDir);
        TrainConfig tc = new TrainConfig(steps, batch, lr, recipe.warmup, 0.0, 1.0, 0.999, run.checkpointEvery, run.seed);
        EmojiDataset dataset = EmojiDataset.load();
        LdmData data = data(dataset, autoencoder, textEncoder);
        System.err.printf(Locale.ROOT, "training %,d parameters on %d latents of %s with %d-wide caption states%n",
                model.unet().parameterCount(), data.size(), Arrays.toString(config.latentShape()),
                data.states().size(2));
        dev.retouch.diffusion.train.TrainingTask task = twoPanel > 0
                ? new TwoPanelTask(model.unet(), model.schedule(), panels(dataset, textEncoder, data), captionDropout,
                recipe.minSnrGamma)
                : new LdmTask(model.unet(), model.schedule(), data, captionDropout, recipe.minSnrGamma);
        // a next stage of the same objective continues its average undamped
        Trainer trainer = new Trainer(task, tc, run.out, !sameObjective);
        Trainer.Result r = run.run(trainer, "train ldm", steps);
        model.save(modelDir, trainer.finalWeights(), modelCard(model, data.size(), tc, r, trainer.seconds(), vaeDir,
                clipDir));
        String result = Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(), "seconds", r.seconds(),
                "model", modelDir.toString()));
        System.out.println(common.json ? result : "model written to " + modelDir);
    }

    /** --two-panel's composites over the train split's latents {@code data} (in {@code dataset.images(TRAIN)} order). */
    private TwoPanelTask.Data panels(EmojiDataset dataset, Clip textEncoder, LdmData data) {
        List<EmojiImage> train = dataset.images(Split.TRAIN);
        Map<EmojiImage, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < train.size(); i++) {
            index.put(train.get(i), i);
        }
        List<PanelPairs.PanelPair> pairs = PanelPairs.of(dataset, Split.TRAIN, twoPanel, run.seed);
        long[] left = new long[pairs.size()];
        long[] right = new long[pairs.size()];
        List<String> captions = new java.util.ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            left[i] = index.get(pairs.get(i).left());
            right[i] = index.get(pairs.get(i).right());
            captions.add(pairs.get(i).jointCaption());
        }
        long cut = countTrue(textEncoder.tokenize(captions).truncated());
        if (cut > 0) {
            CliSupport.warn(cut + " of " + captions.size() + " joint captions are longer than the text encoder's "
                    + textEncoder.contextLength() + "-token context and were cut off");
        }
        int batch = 64;
        Progress bar = new Progress("encode joint captions", (captions.size() + batch - 1) / batch, System.err,
                System.console() != null, 0);
        return new TwoPanelTask.Data(data, left, right, LdmData.captionStates(textEncoder, captions, batch, bar));
    }

    /** The train split's latents and caption states (with a progress bar), at most --limit of them. */
    private LdmData data(EmojiDataset dataset, AutoencoderKL autoencoder, Clip textEncoder) {
        int size = autoencoder.config().sampleSize();
        Tensor images = EmojiData.tensor(dataset, size, Split.TRAIN);
        List<String> captions = dataset.captions(Split.TRAIN);
        if (limit > 0 && limit < captions.size()) {
            images = images.narrow(0, 0, limit);
            captions = captions.subList(0, limit);
        }
        long cut = countTrue(textEncoder.tokenize(captions).truncated());
        if (cut > 0) {
            CliSupport.warn(cut + " of " + captions.size() + " captions are longer than the text encoder's "
                    + textEncoder.contextLength() + "-token context and were cut off");
        }
        int encodeBatch = 64;
        Progress bar = new Progress("encode latents and captions", LdmData.progressSteps(captions.size(), encodeBatch),
                System.err, System.console() != null, 0);
        LdmData data = LdmData.precompute(autoencoder, textEncoder, images, captions, encodeBatch, bar);
        if (!captionVariants) {
            return data;
        }
        List<String> names = new java.util.ArrayList<>();
        List<String> subcategories = new java.util.ArrayList<>();
        for (String c : captions) {
            List<String> v = EmojiDataset.captionVariants(c);
            names.add(v.isEmpty() ? c : v.get(0));
            subcategories.add(v.isEmpty() ? c : v.get(1));
        }
        int batches = (captions.size() + encodeBatch - 1) / encodeBatch;
        Tensor byName = LdmData.captionStates(textEncoder, names, encodeBatch,
                new Progress("encode names alone", batches, System.err, System.console() != null, 0));
        Tensor bySubcategory = LdmData.captionStates(textEncoder, subcategories, encodeBatch,
                new Progress("encode subcategories alone", batches, System.err, System.console() != null, 0));
        return new LdmData(dev.retouch.core.tensor.Tensors.cat(0, data.latents(), data.latents(), data.latents()),
                dev.retouch.core.tensor.Tensors.cat(0, data.states(), byName, bySubcategory), data.emptyState());
    }

    private static long countTrue(boolean[] flags) {
        long n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    /** {@code target} relative to {@code from} (e.g. "../../models/emoji-vae"), with '/' separators. */
    static String relative(Path from, Path target) {
        Path rel = from.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize());
        return rel.toString().replace('\\', '/');
    }

    private String modelCard(LatentDiffusionModel model, long pairs, TrainConfig tc, Trainer.Result r, double seconds,
                             Path vaeDir, Path clipDir) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        LdmConfig c = model.config();
        return String.format(Locale.ROOT, """
                # Latent diffusion model (trained by `retouch train ldm`)

                Text-conditional `UNet2DConditionModel` (diffusers layout), %,d parameters: latents %s from the
                autoencoder `%s`, cross-attention on the last hidden states (width %d) of the text encoder `%s`;
                block channels %s, cross-attention at levels %s. Noise: %d-step %s β %s → %s, %s prediction.
                Trained on %d train-split Noto emoji (image, caption) pairs, latents and caption states computed
                once (posterior mode × scaling factor; no flips, captions name orientations), caption dropout %.2f
                to the empty prompt (for classifier-free guidance). Weights: EMA (decay %.4f), UNet only, fp16.

                The autoencoder and text encoder are referred to in `config.json` as `%s` and `%s`, relative to
                this directory: if you move it, edit those two paths.

                """, model.unet().parameterCount(), Arrays.toString(c.latentShape()), vaeDir, c.unet().crossAttentionDim(),
                clipDir, c.unet().blockOutChannels(), c.unet().crossAttention(), c.noise().numTrainTimesteps(),
                c.noise().betaSchedule(), c.noise().betaStart(), c.noise().betaEnd(), c.noise().predictionType(),
                pairs, captionDropout, tc.emaDecay(), c.vae(), c.textEncoder())
                + (!captionVariants ? "" : """
                **Caption variants** (`--caption-variants`): each image also appears with its name alone and with its
                subcategory alone (skin tones kept), three (image, caption) pairs per image, drawn uniformly.

                """)
                + (twoPanel == 0 ? "" : String.format(Locale.ROOT, """
                **Two-panel model** (`--two-panel %d`): trained on %d composites of two of those images side by side
                (latent canvas %d×%d), half the same emoji in two skin tones and half two yellow faces, never a
                man/woman pair; each composite captioned by its joint caption `left | right`, one panel's own
                caption, or nothing. It renders pairs for paper 003's pair generation (`retouch data portrait-pairs`).

                """, twoPanel, twoPanel, c.latentShape()[1], 2 * c.latentShape()[2]))
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train ldm --vae %s --clip %s --steps %d "
                        + "--batch %d --lr %s --caption-dropout %s --limit %d --seed %d --checkpoint-every %d%s --out %s",
                vae, clip, r.steps(), tc.batchSize(), lr, captionDropout, limit, run.seed, run.checkpointEvery,
                recipeOptions(), run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss)
                + "\nTry it: `bin/retouch generate --model <this directory> --prompt \"red heart\" --count 4 --out hearts.png`\n\n"
                + TrainingCard.lossCurve("training loss (MSE on the prediction target, Min-SNR weighted when on)", loss);
    }
}
