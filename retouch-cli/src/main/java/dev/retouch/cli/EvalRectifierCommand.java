package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.eval.rectifier.RectifierBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch eval rectifier}: paper 002's editing comparison (Table 2, Fig. 6) on emoji test faces. */
@Command(name = "rectifier", mixinStandardHelpOptions = true,
        description = "Edit the test faces with each rectifier edit (paper 002, Algorithm 1), with a DiffusionCLIP-"
                + "style baseline fine-tuned on the same images, prompts, steps and batch (over [0, --t0]) and with "
                + "that baseline over the full interval (the ablation of Fig. 6); the base model's reconstruction is "
                + "the unedited reference. The evaluation-only judge scores identity (cosine of its features to the "
                + "input) and whether it sees the target (top-1 = the edit's subcategory). Baselines are trained "
                + "into --out/baselines once and reused. Writes report.json and index.html.",
        footer = {"", "Example:", "  bin/retouch eval rectifier --out out/eval-rectifier",
                "  bin/retouch eval rectifier --edit rectifier-crying=face-concerned --t0 400 --out out/eval-rectifier",
                "  bin/retouch eval rectifier --edit runs/edit/model=face-negative --images validation:face- "
                        + "--no-baselines --out out/check-edit",
                "  bin/retouch eval rectifier --edit rectifier-dark-skin-tone --images pairs/test/before "
                        + "--truth pairs/test/after --out out/eval-dark"})
final class EvalRectifierCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--edit", paramLabel = "NAME[=SUBCATEGORY]", description = "An edit (name in models/effects/ or "
            + "directory) and the judge subcategory of its target, or NAME alone for an attribute the judge cannot "
            + "see (then --truth reads it); repeatable (default: rectifier-crying=face-concerned).")
    java.util.List<String> edits;

    @Option(names = "--truth", paramLabel = "FOLDER", description = "True targets, one per evaluation image under the "
            + "same file name (e.g. a pair folder's after/ for its before/): every method's L1 to them is reported.")
    Path truth;

    @Option(names = "--images", defaultValue = "test:face-", description = "Evaluation images: split[:subcategory "
            + "prefix] or folder (default: ${DEFAULT-VALUE}).")
    String images;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps each way of the rectifier edit "
            + "(default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--t0", defaultValue = "500", description = "The baseline's edit interval [0, t0] "
            + "(default: ${DEFAULT-VALUE}).")
    int t0;

    @Option(names = "--baseline-steps", defaultValue = "40", description = "The baseline's DDIM steps each way at "
            + "test time (default: ${DEFAULT-VALUE}, DiffusionCLIP's).")
    int baselineSteps;

    @Option(names = "--gen-steps", defaultValue = "6", description = "The baseline's regeneration steps while "
            + "fine-tuning (default: ${DEFAULT-VALUE}, DiffusionCLIP's).")
    int genSteps;

    @Option(names = "--baseline-lr", defaultValue = "1e-4", description = "The baseline's Adam learning rate "
            + "(default: ${DEFAULT-VALUE}).")
    double baselineLr;

    @Option(names = "--no-baselines", description = "Score the edits and the base model's reconstruction only: no "
            + "baseline is trained or read.")
    boolean noBaselines;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge "
            + "(default: ${DEFAULT-VALUE}).")
    String judge;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--t0", t0, 1, 999);
        CliSupport.requireRange("--baseline-steps", baselineSteps, 1, 1000);
        CliSupport.requireRange("--gen-steps", genSteps, 1, 100);
        CliSupport.requireRange("--baseline-lr", baselineLr, 1e-9, 1);
        RectifierBenchmark.Config d = RectifierBenchmark.Config.defaults();
        Map<String, String> chosen = d.edits();
        if (edits != null) {
            chosen = new LinkedHashMap<>();
            for (String e : edits) {
                int eq = e.lastIndexOf('=');
                chosen.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        if (truth != null && !java.nio.file.Files.isDirectory(truth)) {
            throw new CliSupport.UsageError("--truth " + truth + ": not a directory");
        }
        var config = new RectifierBenchmark.Config(chosen, judge, images, steps, t0, baselineSteps, genSteps,
                baselineLr, !noBaselines, truth == null ? null : truth.toString());
        var result = RectifierBenchmark.run(Models.store(), config, out, label -> Progress.stderr(label, 0),
                CliSupport::warn);
        CliSupport.print(common, result.fields());
    }
}
