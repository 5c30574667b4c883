package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.edit.sine.SineEditRequest;
import dev.retouch.edit.sine.SineEditResult;
import dev.retouch.edit.sine.SineEditor;
import dev.retouch.edit.sine.SineRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch edit sine}: sample an edit of the fine-tuned image with model-based classifier-free guidance. */
@Command(name = "sine", mixinStandardHelpOptions = true,
        description = "Edit the image a 'finetune sine' model was tuned on: sample from noise with SINE's model-based "
                + "classifier-free guidance (Eq. 3). For timesteps t > K the pretrained model's prompt branch is mixed "
                + "with the fine-tuned model's (weight v on the pretrained one); for t <= K only the pretrained model "
                + "guides. Any output size whose sides are multiples of the model's size multiple (16 for emoji-ldm) "
                + "works; a patch-tuned model then gets the whole-image positional embedding resized.",
        footer = {"", "Examples:", "  bin/retouch edit sine --tuned out/sine-smile --prompt \"face with sunglasses\" "
                + "--v 0.7 --k 400 --width 96 --height 64 --seed 1 --out edit.png",
                "  bin/retouch edit sine --tuned out/sine-smile --prompt \"crying face\" --auto-v --out keep-more.png"})
final class EditSineCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--tuned", required = true, description = "Model directory written by 'finetune sine'.")
    Path tuned;

    @Option(names = "--prompt", required = true, description = "The edit prompt for the pretrained model.")
    String prompt;

    @Option(names = "--v", defaultValue = "" + SineRequest.DEFAULT_V, description = "Mixing weight v in "
            + "[0, 1]: 1 = pretrained only; lower keeps more of the tuned image (default: ${DEFAULT-VALUE}).")
    double v;

    @Option(names = "--k", defaultValue = "" + SineRequest.DEFAULT_K, description = "Step threshold K in [0, T]: "
            + "the fine-tuned model guides while t > K; lower keeps more of the tuned image "
            + "(default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--auto-v", description = "Choose v per image (our extension, not the paper's): sample the "
            + "pretrained model's own drawing of the prompt, then K = 0 with v = 0.7, 0.8, 0.85, 0.9, 0.95, and keep the "
            + "first output the base's CLIP scores at least as high with the prompt (up to 6 samples; --v and --k are "
            + "not used). Prints the chosen v.")
    boolean autoV;

    @Option(names = "--guidance", defaultValue = "" + SineRequest.DEFAULT_GUIDANCE, description = "Guidance scale "
            + "w >= 0 (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--steps", defaultValue = "25", description = "Sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Mixin
    SamplerOption sampler;

    @Mixin
    DeviceOptions device;

    @Option(names = "--width", description = "Output width in pixels (default: the model's image size).")
    Integer width;

    @Option(names = "--height", description = "Output height in pixels (default: the model's image size).")
    Integer height;

    @Option(names = "--max-side", defaultValue = "1024", description = "Largest output side accepted (default: ${DEFAULT-VALUE}).")
    int maxSide;

    @Option(names = "--no-positional", description = "Do not feed the positional embedding (to see what it does).")
    boolean noPositional;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--v", v, 0, 1);
        CliSupport.requireRange("--guidance", guidance, 0, 100);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        checkSide("--width", width);
        checkSide("--height", height);
        var store = device.store();
        SineEditor editor = new SineEditor(store.sineBaseAt(tuned), store.sineAt(tuned));
        LatentDiffusion base = editor.base();
        CliSupport.requireRange("--k", k, 0, base.schedule().numTrainTimesteps());
        int w = width != null ? width : base.imageSize();
        int h = height != null ? height : base.imageSize();
        int m = base.sizeMultiple();
        if (w % m != 0 || h % m != 0) {
            throw new CliSupport.UsageError("--width/--height " + w + "x" + h + ": sides must be multiples of " + m
                    + " pixels for this model (e.g. " + Math.max(m, w / m * m) + "x" + Math.max(m, h / m * m) + ")");
        }
        var request = new SineEditRequest(new SineRequest(prompt, v, k, guidance, w, h, !noPositional), steps,
                sampler.kind, seed, false, autoV);
        SineEditResult r = editor.edit(request, Progress.stderr("edit sine", autoV ? 0
                : editor.scheduler(request).timesteps().length));
        r.warnings().forEach(CliSupport::warn);
        double secs = r.seconds();
        RgbImage result = r.image();
        device.record(ImageOutput.of("edit sine", out).param("tuned", tuned.toString())).params(request).param("v", r.v()).write(result)
                .print(common, secs);
    }

    private void checkSide(String name, Integer side) {
        if (side != null && (side < 1 || side > maxSide)) {
            throw new CliSupport.UsageError(name + " must be in [1, " + maxSide + "] pixels (--max-side), got " + side);
        }
    }
}
