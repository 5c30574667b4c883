package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.edit.baseline.Img2ImgEditor;
import dev.retouch.edit.baseline.Img2ImgRequest;
import dev.retouch.edit.baseline.Img2ImgResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch img2img}: text-guided SDEdit in latent space. */
@Command(name = "img2img", mixinStandardHelpOptions = true,
        description = "Edit an image towards a prompt: encode it, noise the latents to --strength (0 < strength ≤ 1; "
                + "1 = pure noise), denoise with classifier-free guidance, decode. Higher strength = more change, "
                + "less faithfulness. Image sides must be multiples of the model's size multiple (16 for emoji-ldm) "
                + "unless --resize is given.",
        footer = {"", "Example:", "  bin/retouch img2img --model emoji-ldm --image smile.png --prompt \"cat face\" "
                + "--strength 0.6 --seed 2 --out cat.png"})
final class Img2ImgCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    LatentSamplingOptions sampling;

    @Mixin
    DeviceOptions device;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--prompt", required = true, description = "What the result should show (may be empty).")
    String prompt;

    @Option(names = "--negative", defaultValue = "", description = "Negative prompt (default: empty).")
    String negative;

    @Option(names = "--strength", defaultValue = "0.6", description = "Noise level in (0, 1] (default: ${DEFAULT-VALUE}).")
    double strength;

    @Mixin
    SamplerOption sampler;

    @Option(names = "--resize", description = "Resize the image to the model's size (e.g. 64×64) first.")
    boolean resize;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        if (!(strength > 0 && strength <= 1)) {
            throw new CliSupport.UsageError("--strength must be in (0, 1], got " + CliSupport.num(strength));
        }
        CliSupport.requireRange("--guidance", sampling.guidance, 0, 100);
        Img2ImgEditor editor = new Img2ImgEditor(device.store().latent(sampling.model));
        LatentDiffusion ld = editor.model();
        CliSupport.requireRange("--steps", sampling.steps, 1, ld.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.latentInput(image, ld, resize);
        var request = new Img2ImgRequest(input, prompt, negative, strength, sampling.steps, sampling.guidance,
                sampler.kind, sampling.seed);
        Img2ImgResult r = editor.edit(request, Progress.stderr("img2img", editor.timesteps(request).length));
        r.warnings().forEach(CliSupport::warn);
        double secs = r.seconds();
        RgbImage result = r.image();
        device.record(ImageOutput.of("img2img", out).param("model", sampling.model)).param("image", image.toString())
                .params(request).write(result).fidelity(input, result).print(common, secs);
    }
}
