package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotEditor;
import dev.retouch.edit.fewshot.FewshotRequest;
import dev.retouch.edit.fewshot.FewshotResult;
import dev.retouch.edit.fewshot.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code retouch edit fewshot}: apply a learned effect (paper 000) to an image. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = "Apply an effect learned by 'retouch train fewshot' to an image (resized to the effect's size "
                + "with a notice). The seed draws the training pairs used as sources and the sampling noise; the same "
                + "seed gives the same image.",
        footer = {"", "Examples:", "  bin/retouch edit fewshot --effect skin-tone-5 --image 1f44b.png --seed 1 --out dark.png",
                "  bin/retouch edit fewshot --effect effects/dark --image in.png --seed 3 --ensemble 4 --out out.png"})
final class EditFewshotCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--effect", required = true, description = "Effect directory, or the name of a shipped effect in models/effects/.")
    String effect;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Option(names = "--sampling-steps", description = "DDIM steps (default: the effect's).")
    Integer samplingSteps;

    @Option(names = "--start", description = "First noise level as a fraction of T, in (0, 1] (default: the effect's).")
    Double start;

    @Option(names = "--ensemble", description = "Chains with different source pairs, averaged (default: the effect's).")
    Integer ensemble;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        FewshotEditor editor = new FewshotEditor(Models.store().effect(effect));
        Effect e = editor.effect();
        SamplingConfig s = sampling(e.config().sampling());
        if (s != e.config().sampling() && e.config().variant() == EffectVariant.PIX2PIX) {
            throw new CliSupport.UsageError("--sampling-steps, --start and --ensemble apply to the nn and one variants; "
                    + "this effect is pix2pix");
        }
        RgbImage input = CliSupport.imageAt(image, e.config().imageSize());
        FewshotResult result = editor.edit(new FewshotRequest(input, seed, s), Progress.stderr("edit fewshot", 0));
        ImageOutput o = ImageOutput.of("edit fewshot", out).param("effect", effect).param("image", image.toString())
                .param("seed", seed).param("variant", e.config().variant().label());
        if (e.config().variant() != EffectVariant.PIX2PIX) {
            o.param("sampling", String.format(Locale.ROOT, "steps %d, start %s, ensemble %d", s.steps(),
                    CliSupport.num(s.start()), s.ensemble()));
        }
        if (e.config().variant() == EffectVariant.NN) {
            o.param("sources", result.sources().stream().map(chain -> String.join("+", chain))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        o.write(result.image()).print(common, result.seconds());
    }

    private SamplingConfig sampling(SamplingConfig d) {
        if (samplingSteps == null && start == null && ensemble == null) {
            return d;
        }
        if (samplingSteps != null) CliSupport.requireRange("--sampling-steps", samplingSteps, 1, 1000);
        if (start != null && !(start > 0 && start <= 1)) {
            throw new CliSupport.UsageError("--start must be in (0, 1], got " + CliSupport.num(start));
        }
        if (ensemble != null) CliSupport.requireRange("--ensemble", ensemble, 1, 64);
        return new SamplingConfig(samplingSteps != null ? samplingSteps : d.steps(), start != null ? start : d.start(),
                ensemble != null ? ensemble : d.ensemble());
    }
}
