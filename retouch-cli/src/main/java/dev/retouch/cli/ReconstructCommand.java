package dev.retouch.cli;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch reconstruct}: DDIM inversion then regeneration; prints PSNR/SSIM to the input. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Invert an image with deterministic DDIM to noise, regenerate it with the same steps, and "
                + "report PSNR and SSIM of the result against the (resized) input.",
        footer = {"", "Example:", "  bin/retouch reconstruct --model emoji-ddpm-32 --image face.png --steps 50 --out recon.png --json"})
final class ReconstructCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps each way (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        PixelDiffusionModel m = pixelModel.load();
        CliSupport.requireRange("--steps", steps, 1, m.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        long t0 = System.nanoTime();
        var r = PixelPipelines.reconstruct(m, CliSupport.tensor(input), steps,
                LoopHooks.progress(Progress.stderr("reconstruct", steps)));
        double secs = CliSupport.seconds(t0);
        RgbImage result = ImageTensors.fromTensor(r.image());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", pixelModel.name);
        params.put("image", image.toString());
        params.put("steps", steps);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.put("psnr", Metrics.psnr(input, result, 1.0));
        res.put("ssim", CliSupport.ssimOrNull(input, result));
        CliSupport.writePng(out, result, "reconstruct", params);
        res.put("steps", steps);
        res.put("seconds", secs);
        CliSupport.print(common, res);
    }
}
