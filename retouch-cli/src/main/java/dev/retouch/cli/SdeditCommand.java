package dev.retouch.cli;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch sdedit}: noise an image part-way and denoise it (Meng et al. 2022). */
@Command(name = "sdedit", mixinStandardHelpOptions = true,
        description = "SDEdit: add noise to the image up to --strength (0 = none, 1 = pure noise) and denoise it "
                + "with DDIM. Higher strength = more change, less faithfulness.",
        footer = {"", "Example:", "  bin/retouch sdedit --model emoji-ddpm-32 --image sketch.png --strength 0.5 --steps 50 --seed 3 --out edited.png"})
final class SdeditCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--strength", defaultValue = "0.5", description = "Noise level in [0, 1] (default: ${DEFAULT-VALUE}).")
    double strength;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps of a full run; strength·steps are run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--strength", strength, 0, 1);
        PixelDiffusionModel m = pixelModel.load();
        CliSupport.requireRange("--steps", steps, 1, m.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        long t0 = System.nanoTime();
        int run = (int) Math.floor(steps * strength);
        var x = PixelPipelines.sdedit(m, CliSupport.tensor(input), strength, steps, Tensors.generator(seed),
                LoopHooks.progress(Progress.stderr("sdedit", Math.max(1, run))));
        double secs = CliSupport.seconds(t0);
        RgbImage result = ImageTensors.fromTensor(x);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", pixelModel.name);
        params.put("image", image.toString());
        params.put("strength", strength);
        params.put("steps", steps);
        params.put("seed", seed);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.putAll(params);
        res.put("psnr", Metrics.psnr(input, result, 1.0));
        res.put("ssim", CliSupport.ssimOrNull(input, result));
        CliSupport.writePng(out, result, "sdedit", params);
        res.put("seconds", secs);
        CliSupport.print(common, res);
    }
}
