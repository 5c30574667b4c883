package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.edit.SdeditBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval sdedit}: does SDEdit / img2img keep the subject of a test image? */
@Command(name = "sdedit", mixinStandardHelpOptions = true,
        description = {"Noise --count test-split emoji (every k-th by file name) to --strength and denoise them: "
                + "SDEdit with a pixel model, img2img with each image's own caption as the prompt with a latent "
                + "model. Reports, by emoji-judge (evaluation-only): the share of outputs whose top-1 subcategory is "
                + "the judge's top-1 for the input (the subject kept), the share whose top-1 is the image's true "
                + "subcategory (and the same for the inputs), and PSNR / SSIM to the inputs.",
                "Writes OUT/report.json and OUT/index.html (the first 24 inputs and outputs with the judge's labels)."},
        footer = {"", "Examples:", "  bin/retouch eval sdedit --model emoji-ddpm-32 --strength 0.5 --out out/eval-sdedit",
                "  bin/retouch eval sdedit --model emoji-ldm --strength 0.6 --out out/eval-img2img"})
final class EvalSdeditCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ddpm-32", description = "Pixel or latent model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Judge model (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--count", defaultValue = "64", description = "Test images, 1–1000 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--strength", defaultValue = "0.5", description = "Noise level, (0, 1] (default: ${DEFAULT-VALUE}).")
    double strength;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps of a full run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance, latent models "
            + "(default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--count", count, 1, 1000);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--guidance", guidance, 1, 100);
        if (!(strength > 0 && strength <= 1)) {
            throw new CliSupport.UsageError("--strength must be in (0, 1], got " + strength);
        }
        var config = new SdeditBenchmark.Config(model, judgeName, count, strength, steps, guidance, seed);
        var result = SdeditBenchmark.run(Models.store(), EmojiDataset.load(), config, out,
                Progress.stderr("eval sdedit", 0), CliSupport::warn);
        CliSupport.print(common, result.fields());
    }
}
