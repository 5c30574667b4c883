package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.eval.portrait.PortraitBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch eval portrait}: paper 003's Table 1 on emojis. */
@Command(name = "portrait", mixinStandardHelpOptions = true,
        description = "Evaluate a portrait model (paper 003, Table 1) on its task's held-out cases: man-woman on the "
                + "real same-role, same-tone man ↔ woman pairs the base model never saw both images of (ground "
                + "truth), expression on validation and test yellow faces. Rows: the input, the model with the "
                + "paper's and the official code's settings, without mask, the --ablation models, SDEdit 0.5 and "
                + "0.8 and DiffEdit on the base model with the full captions. Read by the evaluation-only judge. "
                + "Writes report.json and index.html.",
        footer = {"", "Examples:", "  bin/retouch eval portrait --model portrait-man-woman --out out/eval-portrait-mw",
                "  bin/retouch eval portrait --model runs/pmw/model --ablation no-spatial=runs/pmw-nospt/model "
                        + "--limit 24 --out out/eval-pmw"})
final class EvalPortraitCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", required = true, description = "Portrait model name or directory.")
    String model;

    @Option(names = "--ablation", paramLabel = "NAME=MODEL", description = "An ablation model to compare "
            + "(e.g. no-spatial=runs/x/model); repeatable.")
    Map<String, String> ablations;

    @Option(names = "--limit", defaultValue = "48", description = "Cases, spread evenly (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--no-baselines", description = "Skip SDEdit and DiffEdit.")
    boolean noBaselines;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every method's noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge (default: ${DEFAULT-VALUE}).")
    String judge;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--limit", limit, 1, 100_000);
        var r = PortraitBenchmark.run(Models.store(), model, ablations == null ? Map.of() : new LinkedHashMap<>(ablations),
                judge, limit, !noBaselines, seed, out, label -> Progress.stderr(label, 0));
        Map<String, Object> res = new LinkedHashMap<>(r.fields());
        res.put("report", out.resolve("index.html").toString());
        CliSupport.print(common, res);
    }
}
