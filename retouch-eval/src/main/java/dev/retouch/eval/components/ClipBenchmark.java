package dev.retouch.eval.components;

import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipRetrieval;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * emoji-clip's zero-shot retrieval on a split: each image ranked against the split's distinct captions, top-1 and
 * top-5 against chance. Writes {@code report.json} and {@code index.html}.
 */
public final class ClipBenchmark {
    private ClipBenchmark() {
    }

    public record Config(String model, Split split) {
    }

    public record Result(Config config, ClipRetrieval.Result retrieval, double seconds) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("split", config.split().name().toLowerCase(Locale.ROOT));
            f.put("images", retrieval.n());
            f.put("captions", retrieval.captions());
            f.put("top1", retrieval.top1());
            f.put("top5", retrieval.top5());
            f.put("chance_top1", 1.0 / retrieval.captions());
            f.put("seconds", seconds);
            return f;
        }
    }

    /** Runs the benchmark and writes its report into {@code out} (created). */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out) {
        Clip clip = store.load(store.resolve(c.model()), Clip.class, Clip::load);
        List<String> captions = ds.captions(c.split());
        Tensor images = ds.tensor(ds.images(c.split()), clip.model().config().vision().imageSize());
        long t0 = System.nanoTime();
        ClipRetrieval.Result r = ClipRetrieval.evaluate(clip.model(), images, captions, clip.tokenize(captions).ids(),
                128);
        Result res = new Result(c, r, (System.nanoTime() - t0) / 1e9);
        Reports.directory(out);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(res.fields()));
        String split = c.split().name().toLowerCase(Locale.ROOT);
        HtmlReport html = new HtmlReport(out, "emoji-clip zero-shot retrieval on the " + split + " split");
        html.section("Summary", r.n() + " images ranked against " + r.captions() + " distinct captions, model "
                + c.model());
        html.table(List.of("images", "captions", "top-1", "top-5", "chance top-1"),
                List.of(List.of(r.n(), r.captions(), r.top1(), r.top5(), 1.0 / r.captions())));
        html.write();
        return res;
    }
}
