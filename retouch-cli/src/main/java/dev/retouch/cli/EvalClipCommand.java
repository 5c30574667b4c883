package dev.retouch.cli;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.components.ClipBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval clip}: zero-shot image→caption retrieval on an emoji split. */
@Command(name = "clip", mixinStandardHelpOptions = true,
        description = "Rank every distinct caption of an emoji split for every image of that split by emoji-clip "
                + "cosine similarity; report top-1 and top-5 accuracy (the image's own caption among the best k).",
        footer = {"", "Example:", "  bin/retouch eval clip --model emoji-clip --out out/eval-clip"})
final class EvalClipCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-clip", description = "CLIP model: shipped name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--split", defaultValue = "TEST", description = "Emoji split: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        var result = ClipBenchmark.run(Models.store(), EmojiDataset.load(), new ClipBenchmark.Config(model, split), out);
        CliSupport.print(common, result.fields());
    }
}
