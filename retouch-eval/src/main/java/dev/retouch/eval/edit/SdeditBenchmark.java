package dev.retouch.eval.edit;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Does an edit keep what the image shows? SDEdit with a pixel model, or img2img with a latent model (each image
 * prompted with its own caption), on {@code count} test emoji spread over the split; the evaluation-only judge reads
 * input and output ({@link SubjectKept}). Writes {@code report.json} and {@code index.html} into the output
 * directory.
 */
public final class SdeditBenchmark {
    private SdeditBenchmark() {
    }

    /**
     * @param model    pixel or latent model (name or directory)
     * @param judge    the judge (name or directory)
     * @param count    test images in [1, 1000]
     * @param strength noise level in (0, 1]
     * @param steps    DDIM steps of a full run, in [1, 1000]
     * @param guidance classifier-free guidance in [1, 100] (latent models)
     */
    public record Config(String model, String judge, int count, double strength, int steps, double guidance,
                         long seed) {
        public Config {
            if (count < 1 || count > 1000) {
                throw new RetouchException("count must be in [1, 1000], got " + count);
            }
            if (steps < 1 || steps > 1000) {
                throw new RetouchException("steps must be in [1, 1000], got " + steps);
            }
            if (!(guidance >= 1 && guidance <= 100)) {
                throw new RetouchException("guidance must be in [1, 100], got " + guidance);
            }
            if (!(strength > 0 && strength <= 1)) {
                throw new RetouchException("strength must be in (0, 1], got " + strength);
            }
        }
    }

    /** The outcome: the configuration, whether the model was latent, the per-image scores. */
    public record Result(Config config, boolean latent, SubjectKept.Report scores) {
        public String edit() {
            return latent ? "img2img (own caption)" : "sdedit";
        }

        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("edit", edit());
            f.put("judge", config.judge());
            f.put("images", scores.items().size());
            f.put("strength", config.strength());
            f.put("steps", config.steps());
            if (latent) {
                f.put("guidance", config.guidance());
            }
            f.put("seed", config.seed());
            f.put("subject_kept_share", scores.keptShare());
            f.put("output_true_subcategory_share", scores.outputTruthShare());
            f.put("input_true_subcategory_share", scores.inputTruthShare());
            f.put("psnr_mean", scores.meanPsnr());
            f.put("ssim_mean", scores.meanSsim());
            f.put("edit_seconds", scores.seconds());
            return f;
        }
    }

    /** Runs the benchmark and writes its report into {@code out} (created if needed). */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out, StepListener progress,
                             Consumer<String> warnings) {
        EmojiJudge judge = EmojiJudge.fromStore(store, c.judge());
        boolean latent = store.isLatent(c.model());
        Reports.directory(out);
        List<EmojiImage> chosen = ds.spread(Split.TEST, c.count());
        int[] truth = chosen.stream().mapToInt(e -> judge.config().subcategories().indexOf(e.base().subcategory()))
                .toArray();
        SubjectKept.Config config = new SubjectKept.Config(c.strength(), c.steps(), c.guidance(), c.seed());
        SubjectKept.Report r;
        Tensor images;
        if (latent) {
            var ld = store.latent(c.model());
            images = ds.tensor(chosen, ld.imageSize());
            r = SubjectKept.latent(ld, images, chosen.stream().map(EmojiImage::caption).toList(), truth, judge, config,
                    warnings, progress);
        } else {
            var m = store.pixel(c.model());
            images = ds.tensor(chosen, m.sampleSize());
            r = SubjectKept.pixel(m, images, truth, judge, config, progress);
        }
        Result result = new Result(c, latent, r);
        Json.write(out.resolve("report.json"), result.fields());
        writeHtml(out, images, result, judge);
        return result;
    }

    private static void writeHtml(Path out, Tensor images, Result res, EmojiJudge judge) {
        Config c = res.config();
        SubjectKept.Report r = res.scores();
        HtmlReport html = new HtmlReport(out, res.edit() + " of test emoji with " + c.model() + ", read by "
                + c.judge());
        html.section("Scores", String.format(Locale.ROOT, "strength %.2f, %d DDIM steps: subject kept (judge top-1 of "
                        + "output = of input) %.2f; output's judge top-1 = true subcategory %.2f (inputs: %.2f); "
                        + "PSNR %.2f dB, SSIM %.3f to the inputs.", c.strength(), c.steps(), r.keptShare(),
                r.outputTruthShare(), r.inputTruthShare(), r.meanPsnr(), r.meanSsim()));
        html.judge(new JudgeView(judge));
        int shown = Math.min(24, r.items().size());
        List<RgbImage> in = ImageTensors.fromBatch(images.narrow(0, 0, shown));
        List<RgbImage> outs = ImageTensors.fromBatch(r.outputs().narrow(0, 0, shown));
        for (int i = 0; i < shown; i += 6) {
            List<RgbImage> row = new ArrayList<>();
            List<String> caps = new ArrayList<>();
            for (int j = i; j < Math.min(shown, i + 6); j++) {
                row.add(in.get(j));
                caps.add("input " + j);
                row.add(outs.get(j));
                caps.add(r.items().get(j).kept() ? "output " + j + " (kept)" : "output " + j + " (changed)");
            }
            html.images(row, caps, Math.max(1, 64 / row.get(0).width()) * 2);
        }
        html.write();
    }
}
