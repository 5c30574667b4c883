package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.reconstruction.ReconstructionBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval reconstruction}: DDIM inversion + reconstruction quality on the emoji test split. */
@Command(name = "reconstruction", mixinStandardHelpOptions = true,
        description = "Invert test-split emoji with deterministic DDIM and regenerate them; report mean and median "
                + "PSNR/SSIM to the inputs for each step count. Images: the test split sorted by file name, every k-th "
                + "so that --limit are taken.",
        footer = {"", "Example:", "  bin/retouch eval reconstruction --model emoji-ddpm-32 --steps 50,200 --limit 64 --out out/eval-recon"})
final class EvalReconstructionCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "50,200", split = ",", description = "Step counts (default: ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--limit", defaultValue = "64", description = "Test images to use (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch", defaultValue = "16", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rectifier", paramLabel = "DIR", description = "Also reconstruct with this rectifier (paper 002, "
            + "made by `train rectifier` for --model), on the same images.")
    java.nio.file.Path rectifier;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @picocli.CommandLine.Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge: "
            + "share of reconstructions it gives the input's top-1 subcategory, judge-FD to the inputs; left out with "
            + "a warning when absent (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--limit", limit, 1, 100_000);
        CliSupport.requireRange("--batch", batch, 1, 1024);
        var config = new ReconstructionBenchmark.Config(pixelModel.name, judgeName, steps, limit, batch, rectifier);
        var result = ReconstructionBenchmark.run(Models.store(), EmojiDataset.load(), config, out,
                s -> Progress.stderr("reconstruct " + s + " steps", 0), CliSupport::warn);
        CliSupport.print(common, result.fields());
    }
}
