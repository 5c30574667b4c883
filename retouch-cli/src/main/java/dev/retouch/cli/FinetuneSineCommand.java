package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.edit.sine.SineConfig;
import dev.retouch.edit.sine.SineFinetune;
import dev.retouch.edit.sine.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code retouch finetune sine}: SINE's (patch-based) fine-tuning of a copy of the text-to-image UNet on one image. */
@Command(name = "sine", mixinStandardHelpOptions = true,
        description = "Fine-tune a copy of the latent diffusion model's UNet on one square image with the prompt "
                + "\"a photo of a sks <class>\" (SINE). With --patches (default) it trains on random crops (sides "
                + "10–100%% of the image, aligned to the latent grid) with a sinusoidal positional embedding of the "
                + "crop box, which lets 'edit sine' sample other sizes; --no-patches trains on the whole image only. "
                + "Writes a small model directory (config.json, fp16 model.safetensors, MODEL_CARD.md) that refers "
                + "to the base model.",
        footer = {"", "Example:", "  bin/retouch finetune sine --image smile.png --class face --out out/sine-smile",
                "  bin/retouch edit sine --tuned out/sine-smile --prompt \"face with sunglasses\" --seed 1 --out edit.png"})
final class FinetuneSineCommand implements Runnable {
    static final String RUN = SineFinetune.RUN_DIR;

    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ldm",
            description = "Pretrained latent diffusion model: shipped name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--image", required = true, description = "The one square PNG or JPEG to fine-tune on.")
    Path image;

    @Option(names = "--class", required = true, description = "Coarse class word of the image's content, e.g. face.")
    String classWord;

    @Option(names = "--patches", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Patch-based fine-tuning with positional embedding (default); --no-patches: whole image only.")
    boolean patches;

    @Option(names = "--steps", description = "Optimizer steps (default: " + SineFinetune.DEFAULT_STEPS_PATCHES
            + " with patches, " + SineFinetune.DEFAULT_STEPS_NO_PATCHES + " without).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "4", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-5", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--checkpoint-every", defaultValue = "100",
            description = "Steps between checkpoints in --out/train (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of crops, noise and timesteps (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue an interrupted run from --out/train/checkpoint.safetensors.")
    boolean resume;

    @Option(names = "--out", required = true, description = "Output model directory.")
    Path out;

    @Override
    public void run() {
        common.apply();
        String word = checkClass();
        Variant variant = patches ? Variant.PATCHES : Variant.NO_PATCHES;
        int n = steps != null ? steps : patches ? SineFinetune.DEFAULT_STEPS_PATCHES : SineFinetune.DEFAULT_STEPS_NO_PATCHES;
        CliSupport.requireRange("--steps", n, 1, 1_000_000);
        CliSupport.requireRange("--batch", batch, 1, 256);
        CliSupport.requireRange("--lr", lr, 1e-9, 1);
        CliSupport.requireRange("--checkpoint-every", checkpointEvery, 0, 1_000_000);
        checkOut();
        Path baseDir = Models.resolve(model);
        LatentDiffusion base = LatentDiffusion.load(baseDir);
        RgbImage img = squareImage(base.imageSize());
        String baseRef = out.toAbsolutePath().normalize().relativize(baseDir.toAbsolutePath().normalize()).toString();
        Path runDir = out.resolve(RUN);
        SineFinetune ft = new SineFinetune(base, CliSupport.tensor(img), word, variant, baseRef,
                SineFinetune.trainConfig(n, batch, lr, checkpointEvery, seed), runDir, CliSupport::warn);
        Trainer trainer = ft.trainer();
        if (resume) {
            trainer.resume();
            System.err.println("resumed at step " + trainer.step());
        }
        Progress bar = new Progress("finetune sine", n, System.err, System.console() != null, trainer.step());
        Trainer.Result r = trainer.run(bar);
        ft.save(out, card(ft.config(), r));
        deleteCheckpoint(runDir);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.put("base", baseRef);
        res.put("class", word);
        res.put("prompt", ft.config().prompt());
        res.put("variant", variant.name().toLowerCase(Locale.ROOT));
        res.put("steps", r.steps());
        res.put("loss", r.recentLoss());
        res.put("seconds", r.seconds());
        res.put("model_bytes", size(out.resolve(ModelDirectory.WEIGHTS)));
        CliSupport.print(common, res);
    }

    private String checkClass() {
        try {
            return SineConfig.checkClassWord(classWord);
        } catch (IllegalArgumentException e) {
            throw new CliSupport.UsageError("--class: " + e.getMessage());
        }
    }

    /** Refuses to overwrite a finished model or restart a run silently; --resume needs a checkpoint. */
    private void checkOut() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new RetouchException("--out " + out + " is a file; expected a directory for the model");
        }
        Path checkpoint = out.resolve(RUN).resolve(Trainer.CHECKPOINT);
        if (resume && !Files.exists(checkpoint)) {
            throw new RetouchException("cannot resume: no checkpoint at " + checkpoint);
        }
        if (!resume && (Files.exists(checkpoint) || Files.exists(out.resolve(ModelDirectory.CONFIG)))) {
            throw new RetouchException(out + " already holds a sine model or run: choose another --out (or pass "
                    + "--resume to continue an interrupted run)");
        }
    }

    /** The image as read; it must be square, and is resized to the model's size with a notice. */
    private RgbImage squareImage(int size) {
        RgbImage img = Images.read(image, CliSupport.MAX_PIXELS);
        if (img.width() != img.height()) {
            throw new RetouchException(image + " is " + img.width() + "x" + img.height() + ": sine fine-tunes on a "
                    + "square image; crop it to a square first");
        }
        return img.width() == size ? img : CliSupport.imageAt(image, size);
    }

    private String card(SineConfig c, Trainer.Result r) {
        return "# SINE fine-tuned model\n\n"
                + "Fine-tuned copy of the base model's UNet (Zhang et al. 2023), prompt \"" + c.prompt() + "\".\n\n"
                + "- base: " + c.base() + "\n- image: " + image + "\n- variant: " + c.variant() + "\n- steps: "
                + r.steps() + ", batch " + batch + ", learning rate " + lr + ", seed " + seed + "\n"
                + String.format(Locale.ROOT, "- mean loss of the last steps: %.5f%n- seconds: %.1f%n", r.recentLoss(),
                r.seconds())
                + "\nReproduce: `bin/retouch finetune sine --model " + model + " --image " + image + " --class \""
                + c.classWord() + "\" " + (patches ? "--patches" : "--no-patches") + " --steps " + r.steps()
                + " --batch " + batch + " --lr " + lr + " --seed " + seed + " --out " + out + "`\n";
    }

    private static void deleteCheckpoint(Path runDir) {
        try {
            Files.deleteIfExists(runDir.resolve(Trainer.CHECKPOINT));
        } catch (IOException e) {
            CliSupport.warn("could not delete the finished run's checkpoint " + runDir.resolve(Trainer.CHECKPOINT));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
