package dev.retouch.cli;

import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch eval judge}: the judge's own quality on data it never trained on. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Measure emoji-judge on data it never trained on: subcategory top-1/top-5 on the TEST split, "
                + "face-part mean IoU on the held-out labelled faces (VALIDATION + TEST), and the judge-FD between "
                + "TRAIN and TEST images (the floor for generated images). Writes OUT/report.json.",
        footer = {"", "Example:", "  bin/retouch eval judge --out out/eval-judge"})
final class EvalJudgeCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-judge", description = "Judge model directory or shipped name "
            + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--out", required = true, description = "Output directory (report.json).")
    Path out;

    @Override
    public void run() {
        common.apply();
        EmojiJudge judge = EmojiJudge.load(Models.resolve(model));
        JudgeReport rep = JudgeReport.measure(judge, EmojiDataset.load(), CliSupport::warn);
        Map<String, Object> res = new LinkedHashMap<>(rep.fields());
        res.put("model", Models.resolve(model).toString());
        CliSupport.mkdirs(out);
        dev.retouch.core.io.Json.write(out.resolve("report.json"), res);
        CliSupport.print(common, res);
    }
}
