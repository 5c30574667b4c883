package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.DDPMScheduler;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.TimestepSpacing;
import dev.retouch.diffusion.schedule.Timesteps;
import dev.retouch.diffusion.schedule.VarianceType;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch sample}: unconditional samples from a pixel-space model. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw samples from an unconditional pixel-space model and save them as one PNG grid.",
        footer = {"", "Example:", "  bin/retouch sample --model emoji-ddpm-32 --steps 50 --seed 1 --count 16 --out samples.png"})
final class SampleCommand implements Runnable {
    enum Sampler { DDIM, DDPM }

    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "50", description = "Sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--count", defaultValue = "1", description = "Number of images, 1–256 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--sampler", defaultValue = "DDIM", description = "DDIM or DDPM (default: ${DEFAULT-VALUE}).")
    Sampler sampler;

    @Option(names = "--eta", defaultValue = "0", description = "DDIM η: 0 deterministic, 1 DDPM-like (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--count", count, 1, 256);
        CliSupport.requireRange("--eta", eta, 0, 10);
        PixelDiffusionModel m = pixelModel.load();
        int T = m.schedule().numTrainTimesteps();
        CliSupport.requireRange("--steps", steps, 1, T);
        int[] ts = Timesteps.spaced(steps, T, TimestepSpacing.LEADING);
        Scheduler s = sampler == Sampler.DDIM ? new DDIMScheduler(m.schedule(), ts, eta)
                : new DDPMScheduler(m.schedule(), ts, VarianceType.FIXED_SMALL);
        long t0 = System.nanoTime();
        Tensor x = PixelPipelines.sample(m, s, count, Tensors.generator(seed),
                LoopHooks.progress(Progress.stderr("sample", steps)));
        double secs = CliSupport.seconds(t0);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", pixelModel.name);
        params.put("sampler", sampler);
        params.put("steps", steps);
        params.put("eta", eta);
        params.put("seed", seed);
        params.put("count", count);
        CliSupport.writePng(out, CliSupport.sheet(x), "sample", params);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("out", out.toString());
        result.putAll(params);
        result.put("seconds", secs);
        CliSupport.print(common, result);
    }
}
