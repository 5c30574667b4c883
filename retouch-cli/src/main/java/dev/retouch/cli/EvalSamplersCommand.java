package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.eval.samples.SamplersBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code retouch eval samplers}: how close few-step deterministic samplers get to a many-step DDIM sample. */
@Command(name = "samplers", mixinStandardHelpOptions = true,
        description = "Sample --count images from one seed's initial noise with DDIM (η = 0) over --reference steps, "
                + "then with every deterministic sampler over --steps steps from the same noise; report each one's "
                + "RMSE and PSNR (images in [−1, 1], data range 2) to the reference. All solve the same "
                + "probability-flow ODE, so a smaller distance means a more accurate few-step solver.",
        footer = {"", "Example:", "  bin/retouch eval samplers --model emoji-ddpm-32 --steps 25 --reference 250 --out out/eval-samplers"})
final class EvalSamplersCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "25", description = "Steps of the samplers compared (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--reference", defaultValue = "250", description = "DDIM steps of the reference (default: ${DEFAULT-VALUE}).")
    int reference;

    @Option(names = "--count", defaultValue = "4", description = "Images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json).")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--count", count, 1, 256);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--reference", reference, 1, 1000);
        var config = new SamplersBenchmark.Config(pixelModel.name, steps, reference, count, seed);
        var result = SamplersBenchmark.run(Models.store(), config, out, label -> Progress.stderr(label, 0));
        if (!common.json) {
            for (var row : result.rows()) {
                System.err.printf(Locale.ROOT, "%-16s %3d steps: RMSE %.4f, PSNR %.2f dB to DDIM-%d%n",
                        row.sampler().id(), row.steps(), row.rmse(), row.psnr(), reference);
            }
        }
        CliSupport.print(common, result.fields());
    }
}
