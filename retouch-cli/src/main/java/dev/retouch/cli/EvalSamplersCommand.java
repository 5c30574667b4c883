package dev.retouch.cli;

import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.SamplerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        PixelDiffusionModel m = pixelModel.load();
        int T = m.schedule().numTrainTimesteps();
        CliSupport.requireRange("--steps", steps, 1, T);
        CliSupport.requireRange("--reference", reference, 1, T);
        CliSupport.mkdirs(out);
        float[] ref = sample(m, SamplerKind.DDIM, reference);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SamplerKind kind : SamplerKind.values()) {
            if (kind == SamplerKind.DDPM) {
                continue; // stochastic: not a solver of the ODE
            }
            long t0 = System.nanoTime();
            double rmse = Math.sqrt(Metrics.mse(ref, sample(m, kind, steps)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sampler", kind.id());
            row.put("steps", steps);
            row.put("rmse", rmse);
            row.put("psnr", 20 * Math.log10(2 / rmse));
            row.put("seconds", CliSupport.seconds(t0));
            rows.add(row);
            if (!common.json) {
                System.err.printf(Locale.ROOT, "%-16s %3d steps: RMSE %.4f, PSNR %.2f dB to DDIM-%d%n", kind.id(),
                        steps, rmse, row.get("psnr"), reference);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", pixelModel.name);
        report.put("count", count);
        report.put("seed", seed);
        report.put("reference", "ddim-" + reference);
        report.put("results", rows);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        CliSupport.print(common, report);
    }

    private float[] sample(PixelDiffusionModel m, SamplerKind kind, int n) {
        var scheduler = kind.create(m.schedule(), n, 0.0);
        var bar = dev.retouch.core.progress.Progress.stderr(kind.id() + " " + n, scheduler.timesteps().length);
        return Tensors.toFloats(PixelPipelines.sample(m, scheduler, count, Tensors.generator(seed),
                LoopHooks.progress(bar)));
    }
}
