package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.ModelKind;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.rectifier.RectifiedModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.vae.AutoencoderKL;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code retouch reconstruct}: how well a model reproduces an image. A diffusion model inverts the image with
 * deterministic DDIM and regenerates it; an autoencoder encodes and decodes it. Prints PSNR/SSIM to the input.
 */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Reconstruct an image and report PSNR and SSIM of the result against the (resized) input. "
                + "A pixel or latent diffusion model inverts the image with deterministic DDIM to noise and "
                + "regenerates it with the same steps (a latent model with --prompt and --guidance); an "
                + "autoencoder (AutoencoderKL) encodes and decodes it once.",
        footer = {"", "Examples:", "  bin/retouch reconstruct --model emoji-ddpm-32 --image face.png --steps 50 --out recon.png --json",
                "  bin/retouch reconstruct --model emoji-vae --image face.png --out recon.png --json"})
final class ReconstructCommand implements Runnable {
    private static final int DEFAULT_STEPS = 50;

    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ddpm-32", description = "Model name or directory: a pixel or "
            + "latent diffusion model, or an autoencoder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--steps", description = "DDIM steps each way (default: " + DEFAULT_STEPS + "; not for an "
            + "autoencoder).")
    Integer steps;

    @Option(names = "--prompt", description = "Latent diffusion models only: the prompt of inversion and "
            + "regeneration (default: empty).")
    String prompt;

    @Option(names = "--guidance", description = "Latent diffusion models only: guidance scale of inversion and "
            + "regeneration (default: 1, the conditional model).")
    Double guidance;

    @Option(names = "--rectifier", paramLabel = "DIR", description = "Pixel models only: invert and regenerate "
            + "with this rectifier (paper 002; made by `train rectifier` for this model).")
    Path rectifier;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        Path dir = Models.resolve(model);
        ModelKind kind = kind(dir);
        if (kind != ModelKind.LATENT_DIFFUSION && (prompt != null || guidance != null)) {
            throw new CliSupport.UsageError((prompt != null ? "--prompt" : "--guidance") + " applies to latent "
                    + "diffusion models only");
        }
        if (kind != ModelKind.PIXEL_DIFFUSION && rectifier != null) {
            throw new CliSupport.UsageError("--rectifier applies to pixel diffusion models only");
        }
        if (kind == ModelKind.AUTOENCODER_KL && steps != null) {
            throw new CliSupport.UsageError("--steps does not apply to an autoencoder (it encodes and decodes once)");
        }
        ImageOutput o = ImageOutput.of("reconstruct", out).pngOnly("model", model).pngOnly("image", image.toString());
        long t0 = System.nanoTime();
        Reconstructed r = switch (kind) {
            case AUTOENCODER_KL -> autoencoder(dir);
            case LATENT_DIFFUSION -> latent(dir, o);
            default -> pixel(dir, o);
        };
        double secs = CliSupport.seconds(t0);
        o.fidelity(r.input, r.result).write(r.result).print(common, secs);
    }

    private record Reconstructed(RgbImage input, RgbImage result) {
    }

    /** The directory's kind; a directory that cannot be opened is left to the pixel loader to explain. */
    private static ModelKind kind(Path dir) {
        try {
            return ModelKind.of(ModelDirectory.open(dir));
        } catch (RetouchException e) {
            return ModelKind.OTHER;
        }
    }

    private Reconstructed autoencoder(Path dir) {
        AutoencoderKL vae = AutoencoderKL.load(dir);
        RgbImage input = CliSupport.imageAt(image, vae.config().sampleSize());
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor x = vae.decodeLatents(vae.encodeLatents(CliSupport.tensor(input)));
            return new Reconstructed(input, ImageTensors.fromTensor(x));
        }
    }

    private Reconstructed pixel(Path dir, ImageOutput params) {
        PixelDiffusionModel m = PixelDiffusionModel.load(dir);
        int n = steps == null ? DEFAULT_STEPS : steps;
        CliSupport.requireRange("--steps", n, 1, m.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        LoopHooks hooks = LoopHooks.progress(Progress.stderr("reconstruct", 2L * n));
        Tensor x = CliSupport.tensor(input);
        var r = rectifier == null ? PixelPipelines.reconstruct(m, x, n, hooks)
                : RectifiedModel.of(m, dir, rectifier, Models::resolve).reconstruct(x, n, hooks);
        params.param("steps", n);
        if (rectifier != null) {
            params.param("rectifier", rectifier.toString());
        }
        return new Reconstructed(input, ImageTensors.fromTensor(r.image()));
    }

    private Reconstructed latent(Path dir, ImageOutput params) {
        LatentDiffusion ld = LatentDiffusion.load(dir);
        int n = steps == null ? DEFAULT_STEPS : steps;
        double g = guidance == null ? 1.0 : guidance;
        CliSupport.requireRange("--steps", n, 1, ld.schedule().numTrainTimesteps());
        CliSupport.requireRange("--guidance", g, 0, 100);
        RgbImage input = CliSupport.imageAt(image, ld.imageSize());
        String text = prompt == null ? "" : prompt;
        PromptStates states = PromptStates.encode(ld, List.of(text), "", CliSupport::warn);
        var r = LatentPipelines.reconstruct(ld, CliSupport.tensor(input), states, g, n,
                LoopHooks.progress(Progress.stderr("reconstruct", n)));
        params.param("steps", n);
        params.param("prompt", text);
        params.param("guidance", g);
        return new Reconstructed(input, ImageTensors.fromTensor(r.image()));
    }
}
