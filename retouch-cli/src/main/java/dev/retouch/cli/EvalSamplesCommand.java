package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.eval.samples.SamplesBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval samples}: unconditional samples read by the evaluation-only judge. */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = {"Draw --count unconditional samples from a pixel model (or a latent text-to-image model with "
                + "the empty prompt) and read them with emoji-judge: judge-FD to the TEST split, the floor (judge-FD "
                + "of as many TRAIN images, and of all of them, to the TEST images: FD grows as sets shrink), and the share of images the judge recognises (top-1 "
                + "probability ≥ 0.5) among the samples and among the real test images. Real images are resized to "
                + "the model's resolution first, so the distances compare content, not sharpness.",
                "Writes OUT/report.json and OUT/index.html (the first 48 samples with the judge's labels)."},
        footer = {"", "Examples:", "  bin/retouch eval samples --model emoji-ddpm-32 --count 256 --out out/eval-samples",
                "  bin/retouch eval samples --model emoji-ldm --count 128 --steps 25 --out out/eval-samples-ldm"})
final class EvalSamplesCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ddpm-32", description = "Pixel or latent model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Judge model (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--count", defaultValue = "256", description = "Samples, 2–4096 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--steps", defaultValue = "50", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "ddim", converter = SampleCommand.SamplerName.class,
            description = "Sampler (default: ${DEFAULT-VALUE}).")
    SamplerKind sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--count", count, 2, 4096);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        var config = new SamplesBenchmark.Config(model, judgeName, count, steps, sampler, seed);
        var result = SamplesBenchmark.run(Models.store(), EmojiDataset.load(), config, out,
                Progress.stderr("sample", count), CliSupport::warn);
        CliSupport.print(common, result.fields());
    }
}
