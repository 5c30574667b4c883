package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.edit.baseline.TextToImageEditor;
import dev.retouch.edit.baseline.TextToImageRequest;
import dev.retouch.edit.baseline.TextToImageResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch generate}: text-to-image with a latent diffusion model and classifier-free guidance. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a text prompt with a latent diffusion model (classifier-free guidance: "
                + "ε = ε(negative) + g·(ε(prompt) − ε(negative))). Several images go into one PNG grid.",
        footer = {"", "Example:", "  bin/retouch generate --model emoji-ldm --prompt \"red heart\" --steps 50 "
                + "--guidance 5 --seed 1 --count 4 --out hearts.png"})
final class GenerateCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    LatentSamplingOptions sampling;

    @Mixin
    DeviceOptions device;

    @Option(names = "--prompt", required = true, description = "What to draw (may be empty).")
    String prompt;

    @Option(names = "--negative", defaultValue = "", description = "Negative prompt: the unconditional branch of "
            + "guidance (default: empty, plain classifier-free guidance).")
    String negative;

    @Option(names = "--count", defaultValue = "1", description = "Number of images, 1–64 (default: ${DEFAULT-VALUE}).")
    int count;

    @Mixin
    SamplerOption sampler;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--count", count, 1, 64);
        CliSupport.requireRange("--guidance", sampling.guidance, 0, 100);
        TextToImageEditor editor = new TextToImageEditor(device.store().latent(sampling.model));
        int T = editor.model().schedule().numTrainTimesteps();
        CliSupport.requireRange("--steps", sampling.steps, 1, T);
        var request = new TextToImageRequest(prompt, negative, count, sampling.steps, sampling.guidance,
                sampler.kind, sampling.seed);
        TextToImageResult r = editor.edit(request, Progress.stderr("generate",
                editor.scheduler(request).timesteps().length));
        r.warnings().forEach(CliSupport::warn);
        double secs = r.seconds();
        device.record(ImageOutput.of("generate", out).param("model", sampling.model)).params(request).write(r.image())
                .measure("truncated", !r.warnings().isEmpty()).print(common, secs);
    }
}
