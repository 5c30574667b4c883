package dev.retouch.cli;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.components.VaeBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval vae}: autoencoder reconstruction quality on an emoji split. */
@Command(name = "vae", mixinStandardHelpOptions = true,
        description = "Encode (posterior mode) and decode every image of an emoji split at the autoencoder's size; "
                + "report mean PSNR (dB, data range 1) and mean SSIM (scikit-image's Gaussian SSIM).",
        footer = {"", "Example:", "  bin/retouch eval vae --model emoji-vae --out out/eval-vae"})
final class EvalVaeCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-vae", description = "Autoencoder: shipped name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--split", defaultValue = "TEST", description = "Emoji split: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        var result = VaeBenchmark.run(Models.store(), EmojiDataset.load(), new VaeBenchmark.Config(model, split), out);
        CliSupport.print(common, result.fields());
    }
}
