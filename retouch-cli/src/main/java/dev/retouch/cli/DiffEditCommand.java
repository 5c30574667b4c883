package dev.retouch.cli;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.edit.baseline.DiffEditEditor;
import dev.retouch.edit.baseline.DiffEditRequest;
import dev.retouch.edit.baseline.DiffEditResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch diffedit}: DiffEdit (Couairon et al. 2022), a masked text edit in latent space. */
@Command(name = "diffedit", mixinStandardHelpOptions = true,
        description = "Edit the part of an image that the --query text changes: DiffEdit's mask is where the model's "
                + "noise estimates under --query and --reference differ (10 noise draws at the encoding ratio); the "
                + "latents are DDIM-encoded with the reference up to --ratio and decoded with the query under "
                + "classifier-free guidance, the outside of the mask replaced by the encoding's latents at every "
                + "step. Image sides must be multiples of the model's size multiple (16 for emoji-ldm) unless "
                + "--resize is given.",
        footer = {"", "Example:", "  bin/retouch diffedit --image 1f601.png --reference \"beaming face with smiling eyes\" "
                + "--query \"face with sunglasses\" --seed 1 --mask-out mask.png --out sunglasses.png"})
final class DiffEditCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    LatentSamplingOptions sampling;

    @Mixin
    DeviceOptions device;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--query", required = true, description = "What the edited part should show (Q).")
    String query;

    @Option(names = "--reference", defaultValue = "", description = "What the input shows (R; default: empty, the "
            + "unconditional model).")
    String reference;

    @Option(names = "--ratio", defaultValue = "0.5", description = "Encoding ratio r in (0, 1] (default: ${DEFAULT-VALUE}).")
    double ratio;

    @Option(names = "--resize", description = "Resize the image to the model's size (e.g. 64×64) first.")
    boolean resize;

    @Option(names = "--mask-out", description = "Write the mask as a white-on-black PNG.")
    Path maskOut;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        if (maskOut != null) {
            CliSupport.checkOutput(maskOut);
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new CliSupport.UsageError("--ratio must be in (0, 1], got " + CliSupport.num(ratio));
        }
        CliSupport.requireRange("--guidance", sampling.guidance, 0, 100);
        DiffEditEditor editor = new DiffEditEditor(device.store().latent(sampling.model));
        LatentDiffusion ld = editor.model();
        CliSupport.requireRange("--steps", sampling.steps, 1, ld.schedule().numTrainTimesteps());
        RgbImage input = CliSupport.latentInput(image, ld, resize);
        var request = new DiffEditRequest(input, query, reference, ratio, sampling.steps, sampling.guidance,
                sampling.seed);
        DiffEditResult r = editor.edit(request, Progress.stderr("diffedit", 0));
        r.warnings().forEach(CliSupport::warn);
        ImageOutput o = device.record(ImageOutput.of("diffedit", out).param("model", sampling.model))
                .param("image", image.toString()).params(request).write(r.image());
        if (maskOut != null) {
            Images.writeMaskPng(maskOut, r.mask());
        }
        o.measure("mask_pixels", r.mask().count()).measure("psnr", Metrics.psnr(input, r.image(), 1.0))
                .measure("psnr_outside_mask", Metrics.psnr(input, r.image(), 1.0, r.mask(), true))
                .print(common, r.seconds());
    }
}
