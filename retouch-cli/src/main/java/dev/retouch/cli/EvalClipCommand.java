package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipRetrieval;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        Clip clip = Clip.load(Models.resolve(model));
        EmojiDataset dataset = EmojiDataset.load();
        List<String> captions = dataset.captions(split);
        Tensor images = EmojiData.tensor(dataset, clip.model().config().vision().imageSize(), split);
        long t0 = System.nanoTime();
        ClipRetrieval.Result r = ClipRetrieval.evaluate(clip.model(), images, captions, clip.tokenize(captions).ids(), 128);
        CliSupport.mkdirs(out);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("split", split.name().toLowerCase(Locale.ROOT));
        report.put("images", r.n());
        report.put("captions", r.captions());
        report.put("top1", r.top1());
        report.put("top5", r.top5());
        report.put("chance_top1", 1.0 / r.captions());
        report.put("seconds", CliSupport.seconds(t0));
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        HtmlReport html = new HtmlReport(out, "emoji-clip zero-shot retrieval on the " + report.get("split") + " split");
        html.section("Summary", r.n() + " images ranked against " + r.captions() + " distinct captions, model " + model);
        html.table(List.of("images", "captions", "top-1", "top-5", "chance top-1"),
                List.of(List.of(r.n(), r.captions(), r.top1(), r.top5(), 1.0 / r.captions())));
        html.write();
        CliSupport.print(common, report);
    }
}
