package dev.retouch.eval.samples;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Does a model generate its domain? {@code count} unconditional samples (a latent model's empty prompt at guidance
 * 1) read by the evaluation-only judge: judge-FD to the test split against its floor (as many train images vs
 * test, and all train vs test), the share of samples the judge recognises, and its most frequent subcategories.
 * Writes {@code report.json} and {@code index.html}.
 */
public final class SamplesBenchmark {
    /** A sample counts as recognised when the judge gives its top-1 subcategory at least this probability. */
    public static final double RECOGNISED = 0.5;

    private SamplesBenchmark() {
    }

    /** @param count samples in [2, 4096]; @param steps sampler steps in [1, 1000] */
    public record Config(String model, String judge, int count, int steps, SamplerKind sampler, long seed) {
        public Config {
            if (count < 2 || count > 4096) {
                throw new RetouchException("count must be in [2, 4096], got " + count);
            }
            if (steps < 1 || steps > 1000) {
                throw new RetouchException("steps must be in [1, 1000], got " + steps);
            }
        }
    }

    /**
     * @param judgeFd         judge-FD of the samples to the test split
     * @param floorTrainVsTest judge-FD of all train images to the test split (the judge's floor)
     * @param floorSameCount  judge-FD of as many train images as samples to the test split
     * @param topSubcategories the judge's most frequent top-1 subcategories and their shares
     */
    public record Result(Config config, int resolution, double judgeFd, double floorTrainVsTest, double floorSameCount,
                         double recognisedShare, double recognisedShareRealTest, Map<String, Double> topSubcategories,
                         double sampleSeconds) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("judge", config.judge());
            f.put("count", config.count());
            f.put("sampler", config.sampler().id());
            f.put("steps", config.steps());
            f.put("seed", config.seed());
            f.put("resolution", resolution);
            f.put("judge_fd", judgeFd);
            f.put("judge_fd_floor_train_vs_test", floorTrainVsTest);
            f.put("judge_fd_floor_same_count", floorSameCount);
            f.put("recognised_share", recognisedShare);
            f.put("recognised_share_real_test", recognisedShareRealTest);
            f.put("top_subcategories", topSubcategories);
            f.put("sample_seconds", sampleSeconds);
            return f;
        }
    }

    /** Runs the benchmark and writes its report into {@code out} (created if needed). */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out, StepListener progress,
                             Consumer<String> warnings) {
        EmojiJudge judge = EmojiJudge.fromStore(store, c.judge());
        boolean latent = store.isLatent(c.model());
        Reports.directory(out);
        long t0 = System.nanoTime();
        Tensor samples = latent ? latentSamples(store.latent(c.model()), c, progress, warnings)
                : pixelSamples(store.pixel(c.model()), c, progress);
        double sampleSeconds = (System.nanoTime() - t0) / 1e9;
        int side = (int) samples.size(2);
        JudgeScores s = JudgeScores.of(judge, samples, n -> { });
        JudgeScores te = RealReadings.of(judge, ds, Split.TEST, side);
        JudgeScores tr = RealReadings.of(judge, ds, Split.TRAIN, side);
        Result r = new Result(c, side, s.frechetDistance(te), tr.frechetDistance(te),
                tr.subset(Math.min(c.count(), tr.size())).frechetDistance(te), s.recognisedShare(RECOGNISED),
                te.recognisedShare(RECOGNISED), s.topSubcategories(judge.config().subcategories(), 5), sampleSeconds);
        Json.write(out.resolve("report.json"), r.fields());
        writeHtml(out, samples, judge, r);
        return r;
    }

    private static Tensor pixelSamples(PixelDiffusionModel m, Config c, StepListener progress) {
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < c.count(); i += 32) {
            int n = Math.min(32, c.count() - i);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                parts.add(Tensors.keep(PixelPipelines.sample(m, c.sampler().create(m.schedule(), c.steps(), 0.0), n,
                        Tensors.generator(c.seed() + i), LoopHooks.NONE)));
            }
            progress.onStep(i + n, c.count(), Double.NaN);
        }
        return Tensors.cat(0, parts.toArray(new Tensor[0]));
    }

    /** The empty prompt at guidance 1: the model's unconditional branch (trained with caption dropout). */
    private static Tensor latentSamples(LatentDiffusion ld, Config c, StepListener progress,
                                        Consumer<String> warnings) {
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < c.count(); i += 16) {
            int n = Math.min(16, c.count() - i);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                PromptStates states = PromptStates.encode(ld, Collections.nCopies(n, ""), "", warnings);
                parts.add(Tensors.keep(LatentPipelines.generate(ld, states, 1.0, 1,
                        c.sampler().create(ld.schedule(), c.steps(), 0.0), Tensors.generator(c.seed() + i),
                        LoopHooks.NONE)));
            }
            progress.onStep(i + n, c.count(), Double.NaN);
        }
        return Tensors.cat(0, parts.toArray(new Tensor[0]));
    }

    private static void writeHtml(Path out, Tensor samples, EmojiJudge judge, Result r) {
        HtmlReport html = new HtmlReport(out, "Unconditional samples of " + r.config().model() + ", read by "
                + r.config().judge());
        html.section("Scores", String.format(Locale.ROOT, "judge-FD to the TEST split %.2f (floor: as many TRAIN "
                        + "images vs TEST: %.2f; all TRAIN vs TEST: %.2f); "
                        + "recognised (judge top-1 probability ≥ %.1f): %.2f of the samples, %.2f of the real test images.",
                r.judgeFd(), r.floorSameCount(), r.floorTrainVsTest(), RECOGNISED, r.recognisedShare(),
                r.recognisedShareRealTest()));
        html.judge(new JudgeView(judge));
        List<RgbImage> shown = ImageTensors.fromBatch(samples.narrow(0, 0, Math.min(48, samples.size(0))));
        for (int i = 0; i < shown.size(); i += 8) {
            List<RgbImage> row = shown.subList(i, Math.min(shown.size(), i + 8));
            List<String> caps = new ArrayList<>();
            for (int j = 0; j < row.size(); j++) {
                caps.add("sample " + (i + j));
            }
            html.images(row, caps, 64 / row.get(0).width() * 2);
        }
        html.write();
    }
}
