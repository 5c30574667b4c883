package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.eval.samples.TextToImageBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval ldm}: text-to-image quality on held-out captions, in emoji-clip space. */
@Command(name = "ldm", mixinStandardHelpOptions = true,
        description = "Generate one image for each of --limit distinct held-out captions (--split, default test: "
                + "emojis never seen in training) and report, by emoji-judge (evaluation-only): the share of "
                + "generated images whose judge top-1 subcategory is the caption's emoji's (against the same share "
                + "for the real images) and the judge-FD to the real images of the split; and by emoji-clip (which "
                + "conditions the model): the mean emoji-clip score (image–caption cosine) of the generated images "
                + "vs that of the real images with their own captions, and the Fréchet distance in emoji-clip "
                + "image-feature space between the generated images and all real images of the split. The same "
                + "numbers for the untrained model (same structure, initial weights) are the floor.",
        footer = {"", "Examples:", "  bin/retouch eval ldm --model emoji-ldm --limit 128 --out out/eval-ldm",
                "  bin/retouch eval ldm --split validation --guidance 3 --limit 64 --no-floor --out out/val-g3",
                "  (choose sampling settings on the validation split, report the test split)",
                "  bin/retouch eval ldm --per-image --limit 100000 --no-floor --out out/eval-ldm-all",
                "  (one image per real test image: the caption distribution of the judge-FD floor)"})
final class EvalLdmCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ldm", description = "Latent text-to-image model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--limit", defaultValue = "128", description = "Held-out captions to generate for: distinct ones, "
            + "or real images with --per-image (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--steps", defaultValue = "25", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--sampler", defaultValue = "dpmpp-2m", converter = SampleCommand.SamplerName.class,
            description = "Sampler (default: ${DEFAULT-VALUE}).")
    SamplerKind sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-floor", description = "Skip the untrained-model floor.")
    boolean noFloor;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Option(names = "--split", defaultValue = "test", description = "Held-out split whose captions and real images "
            + "are used: test (the reported number) or validation (for choosing settings; default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--per-image", description = "One image per real image of the split with its caption (--limit "
            + "of them evenly spaced, repeated captions of variants kept), so that the generated set has the split's "
            + "caption distribution as the judge-FD floor does; default: one per distinct caption.")
    boolean perImage;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--limit", limit, 2, 100_000);
        CliSupport.requireRange("--guidance", guidance, 0, 100);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        Split held = CliSupport.heldOutSplit("--split", split, "the model was trained on train");
        var config = new TextToImageBenchmark.Config(model, judgeName, limit, steps, guidance, sampler, seed, !noFloor,
                held, perImage);
        var result = TextToImageBenchmark.run(Models.store(), EmojiDataset.load(), config, out,
                label -> Progress.stderr("generate (" + label + ")", 0), CliSupport::warn);
        CliSupport.print(common, result.fields());
    }
}
