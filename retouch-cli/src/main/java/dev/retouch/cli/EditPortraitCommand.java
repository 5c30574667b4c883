package dev.retouch.cli;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.edit.portrait.MaskSettings;
import dev.retouch.edit.portrait.PortraitEditRequest;
import dev.retouch.edit.portrait.PortraitEditResult;
import dev.retouch.edit.portrait.PortraitEditor;
import dev.retouch.edit.portrait.PortraitModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch edit portrait}: paper 003's mask-guided inference with a trained portrait model. */
@Command(name = "portrait", mixinStandardHelpOptions = true,
        description = "Edit an image with a portrait model (paper 003): from noise, UniPC steps with three-scale "
                + "classifier-free guidance (image embeddings, spatial input, text); the editing mask comes from the "
                + "model itself (DiffEdit-style contrast of the target and source prompts over several noises) and "
                + "keeps the source prompt's prediction outside it at every step. The image is resized to the "
                + "model's size.",
        footer = {"", "Examples:", "  bin/retouch edit portrait --model portrait-man-woman --image man.png --target woman --out woman.png",
                "  bin/retouch edit portrait --model portrait-expression --image 1f610.png --target \"smiling face\" "
                        + "--seed 3 --out smiling.png",
                "  bin/retouch edit portrait --model portrait-man-woman --image man.png --target woman --scales paper "
                        + "--mask paper --out woman.png   # the paper's settings",
                "  bin/retouch edit portrait --model portrait-expression --image 1f610.png --target \"angry face\" "
                        + "--mask code --out angry.png   # with the mask: faithful, often faint"})
final class EditPortraitCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", required = true, description = "Portrait model name or directory (`train portrait`).")
    String model;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--target", required = true, description = "Target prompt, one of the model's targets "
            + "(e.g. woman, man, \"smiling face\").")
    String target;

    @Option(names = "--scales", defaultValue = "code", description = "Guidance scales image,spatial,text: paper "
            + "(3,3,5), code (3,2,4: the official code's) or three numbers (default: ${DEFAULT-VALUE}).")
    String scales;

    @Option(names = "--mask", description = "Editing mask: code (the official code's soft mask), paper (binary, "
            + "threshold --threshold) or off (default: code for man-woman models, off for expression models, as "
            + "measured in docs/EVALUATION.md; the paper's broke the images on our models).")
    String mask;

    @Option(names = "--blend", description = "How the mask is applied: prediction (the paper's Eq. 3: target "
            + "prediction inside, source-prompt prediction outside) or latent (the noised source outside after every "
            + "step, as DiffEdit and the official code) (default: latent for --mask code, prediction for paper).")
    String blend;

    @Option(names = "--threshold", defaultValue = "0.35", description = "λ of the paper's mask (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--mask-seeds", defaultValue = "10", description = "Noises averaged for the mask (default: ${DEFAULT-VALUE}).")
    int maskSeeds;

    @Option(names = "--steps", defaultValue = "20", description = "UniPC steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mask-out", description = "Also write the editing mask as a PNG.")
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
        PortraitEditRequest.Scales s = PortraitEditRequest.Scales.parse(scales);
        MaskSettings.Mode mode = mask == null ? null : MaskSettings.parseMode(mask);
        PortraitModel pm = device.store().portrait(model);
        MaskSettings m = MaskSettings.of(mode != null ? mode : MaskSettings.defaultMode(pm.config().task()), threshold,
                maskSeeds, blend);
        RgbImage input = CliSupport.imageAt(image, pm.base().imageSize());
        PortraitEditRequest request = new PortraitEditRequest(input, target, s, steps, m, seed);
        PortraitEditResult result = new PortraitEditor(pm).edit(request, Progress.stderr("edit portrait", steps));
        ImageOutput o = device.record(ImageOutput.of("edit portrait", out).param("model", model)
                .param("image", image.toString())).params(request).write(result.image());
        if (maskOut != null && result.mask() != null) {
            Images.writeMaskPng(maskOut, result.mask());
        } else if (maskOut != null) {
            CliSupport.warn("no mask was used (--mask off, the default of expression models), so " + maskOut
                    + " was not written");
        }
        if (result.mask() != null) {
            o.measure("mask_share", share(result.mask()));
        }
        o.print(common, result.seconds());
    }

    private static double share(dev.retouch.core.image.Mask m) {
        int in = 0;
        for (int i = 0; i < m.values().length; i++) {
            in += m.inside(i) ? 1 : 0;
        }
        return in / (double) m.values().length;
    }
}
