package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.baseline.SdeditEditor;
import dev.retouch.edit.baseline.SdeditRequest;
import dev.retouch.edit.baseline.SdeditResult;
import dev.retouch.edit.rectifier.RectifiedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

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

    @Option(names = "--rectifier", paramLabel = "DIR", description = "Denoise with this rectifier of the model "
            + "(paper 002, made by `train rectifier`), which compensates towards the input.")
    Path rectifier;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--strength", strength, 0, 1);
        SdeditEditor editor = rectifier == null ? new SdeditEditor(Models.store().pixel(pixelModel.name))
                : new SdeditEditor(RectifiedModel.of(Models.store().pixel(pixelModel.name),
                Models.resolve(pixelModel.name), rectifier, Models::resolve));
        PixelDiffusionModel m = editor.model();
        CliSupport.requireRange("--steps", steps, 1, m.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        SdeditRequest request = new SdeditRequest(input, strength, steps, seed);
        SdeditResult r = editor.edit(request, Progress.stderr("sdedit", Math.max(1, request.runSteps())));
        double secs = r.seconds();
        RgbImage result = r.image();
        ImageOutput o = ImageOutput.of("sdedit", out).param("model", pixelModel.name).param("image", image.toString());
        if (rectifier != null) {
            o.param("rectifier", rectifier.toString());
        }
        o.params(request).fidelity(input, result).write(result).print(common, secs);
    }
}
