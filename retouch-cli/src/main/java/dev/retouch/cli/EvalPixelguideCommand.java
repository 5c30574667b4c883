package dev.retouch.cli;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.edit.PixelguideBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval pixelguide}: paper 004's Table 1 and Fig. 6 on held-out emoji faces. */
@Command(name = "pixelguide", mixinStandardHelpOptions = true,
        description = "Benchmark pixelguide on held-out emoji faces with scripted map edits (close mouth, open mouth, "
                + "move eyes up, add tear, remove tears). The faces: every 'face-*' emoji of --split whose colour-rule "
                + "map (the labeller's rules) is at least 30%% face yellow, i.e. the kind of face the classifiers are "
                + "trained on. Reports MAE and PSNR outside the ROI; accuracy inside the ROI against the target map, "
                + "judged by the pixel classifiers (as the paper; they guide the edit, so they are not independent), by "
                + "the colour rules (they labelled the classifiers' training maps: not independent either) and by "
                + "emoji-judge's face-part head (evaluation-only: the honest reading); the same two accuracies on the pixels the edit changes only (where an edit that did not happen shows); the share of ROI pixels whose "
                + "colour is farther than 60 (RGB, 0–255) from every colour of the input (invented colours); emoji-clip "
                + "Fréchet distance of the results to the input faces; runtime; baseline SDEdit (strength 0.5) on the "
                + "image with the edit's pixels painted in the palette colours; full-step vs 50-step on the first "
                + "--full edits; with --sweep, accuracy over t0 × scale for small and large ROIs (tune on the "
                + "validation split, report on the test split).",
        footer = {"", "Examples:", "  bin/retouch eval pixelguide --split validation --full 0 --sweep --out out/pg-sweep",
                "  bin/retouch eval pixelguide --split test --out out/eval-pixelguide"})
final class EvalPixelguideCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Mixin
    ClassifiersOption classifiers;

    @Option(names = "--split", defaultValue = "test", description = "Held-out split of the faces: validation (for "
            + "tuning) or test (for reporting) (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--faces", defaultValue = "100", description = "At most this many faces, by file name "
            + "(default: ${DEFAULT-VALUE}).")
    int faces;

    @Option(names = "--clip", defaultValue = "emoji-clip", description = "Feature model for the Fréchet distance; "
            + "skipped when absent (default: ${DEFAULT-VALUE}).")
    String clip;

    @Option(names = "--full", defaultValue = "3", description = "Edits also run full-step (default: ${DEFAULT-VALUE}).")
    int full;

    @Option(names = "--sweep", description = "Also sweep t0 ∈ {300, 500, 750} × scale ∈ {40, 100, 200}.")
    boolean sweep;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge whose face-part "
            + "head reads the edits (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        common.apply();
        Split wanted = wantedSplit();
        var config = new PixelguideBenchmark.Config(pixelModel.name, classifiers.name, judgeName, clip, wanted, faces,
                full, sweep, seed);
        var result = PixelguideBenchmark.run(Models.store(), EmojiDataset.load(), config, out, System.err::println);
        CliSupport.print(common, result.fields());
    }

    private Split wantedSplit() {
        if (faces < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--faces must be at least 1");
        }
        return CliSupport.heldOutSplit("--split", split, "the train split's faces trained the classifiers");
    }
}
