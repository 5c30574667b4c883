package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.edit.rectifier.RectifierEditRequest;
import dev.retouch.edit.rectifier.RectifierEditResult;
import dev.retouch.edit.rectifier.RectifierEditor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch edit rectifier}: apply an attribute edit trained by {@code train rectifier-edit} (paper 002). */
@Command(name = "rectifier", mixinStandardHelpOptions = true,
        description = "Apply a rectifier attribute edit (paper 002) to an image, resized to the model's size with a "
                + "notice: DDIM inversion with the reconstruction rectifier, regeneration with the editing one, "
                + "both conditioned on the image. Deterministic (the seed is recorded only).",
        footer = {"", "Examples:", "  bin/retouch edit rectifier --rectifier rectifier-crying --image 1f600.png --out crying.png",
                "  bin/retouch edit rectifier --rectifier runs/edit-cat/model --image face.png --steps 20 --out cat.png --json"})
final class EditRectifierCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--rectifier", required = true, paramLabel = "EDIT_DIR", description = "The edit: a directory "
            + "made by `train rectifier-edit`, or the name of a shipped one in models/effects/.")
    String rectifier;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps each way (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Recorded with the result (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        RectifierEdit edit = Models.store().rectifierEdit(rectifier);
        RgbImage input = CliSupport.imageAt(image, edit.editing().base().sampleSize());
        RectifierEditRequest request = new RectifierEditRequest(input, steps, seed);
        RectifierEditResult result = new RectifierEditor(edit).edit(request,
                Progress.stderr("edit rectifier", 2 * steps));
        ImageOutput.of("edit rectifier", out).param("rectifier", rectifier).param("image", image.toString())
                .param("source", edit.spec().source()).param("target", edit.spec().target()).params(request)
                .write(result.image()).print(common, result.seconds());
    }
}
