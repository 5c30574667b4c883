package dev.retouch.eval.reconstruction;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.StepListener;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.retouch.edit.rectifier.RectifiedModel;

import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * DDIM inversion then η = 0 regeneration ({@link PixelPipelines#reconstruct}) of {@code limit} test emoji spread
 * over the split, for each step count: PSNR and SSIM to the input, and, with the evaluation-only judge, the share of
 * reconstructions it gives the input's top-1 subcategory and the judge-FD to the inputs. Writes {@code report.json}
 * and {@code index.html}.
 */
public final class ReconstructionBenchmark {
    private ReconstructionBenchmark() {
    }

    /**
     * @param judge the judge's name, or null for none (a missing shipped judge is left out with a warning)
     * @param steps step counts, each in [1, T]
     * @param rectifier a rectifier directory for the model (paper 002): each step count is then measured with and
     *                  without it, on the same images; null for none
     */
    public record Config(String model, String judge, int[] steps, int limit, int batch, Path rectifier) {
        /** Without a rectifier. */
        public Config(String model, String judge, int[] steps, int limit, int batch) {
            this(model, judge, steps, limit, batch, null);
        }

        public Config {
            if (steps.length == 0) {
                throw new RetouchException("give at least one step count");
            }
            if (limit < 1 || limit > 100_000) {
                throw new RetouchException("limit must be in [1, 100000], got " + limit);
            }
            if (batch < 1 || batch > 1024) {
                throw new RetouchException("batch must be in [1, 1024], got " + batch);
            }
            steps = steps.clone();
        }
    }

    /** One step count's scores; the judge's are NaN without a judge. */
    public record Row(String model, int steps, double psnrMean, double psnrMedian, double ssimMean, double ssimMedian,
                      double l1Mean, double l2Mean, double posteriorGap, double seconds, double judgeSameTop1,
                      double judgeFdToInputs) {
        Map<String, Object> fields() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", model);
            r.put("steps", steps);
            r.put("l1_mean", l1Mean);
            r.put("l2_mean", l2Mean);
            r.put("posterior_mean_gap", posteriorGap);
            r.put("psnr_mean", psnrMean);
            r.put("psnr_median", psnrMedian);
            r.put("ssim_mean", ssimMean);
            r.put("ssim_median", ssimMedian);
            r.put("seconds", seconds);
            if (!Double.isNaN(judgeSameTop1)) {
                r.put("judge_same_top1", judgeSameTop1);
                r.put("judge_fd_to_inputs", judgeFdToInputs);
            }
            return r;
        }
    }

    public record Result(Config config, int images, List<Row> rows) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("images", images);
            f.put("results", rows.stream().map(Row::fields).toList());
            return f;
        }
    }

    /**
     * Runs the benchmark and writes its report into {@code out}; {@code progress} gives one listener per step
     * count (its label).
     */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out,
                             IntFunction<StepListener> progress, Consumer<String> warnings) {
        PixelDiffusionModel m = store.pixel(c.model());
        for (int s : c.steps()) {
            if (s < 1 || s > m.schedule().numTrainTimesteps()) {
                throw new RetouchException("steps must be in [1, " + m.schedule().numTrainTimesteps() + "], got " + s);
            }
        }
        EmojiJudge judge = EmojiJudge.optional(store, c.judge(), warnings);
        Reports.directory(out);
        List<RgbImage> images = new ArrayList<>();
        for (EmojiImage e : ds.spread(Split.TEST, c.limit())) {
            images.add(new RgbImage(m.sampleSize(), m.sampleSize(), ds.rgb(e, m.sampleSize())));
        }
        HtmlReport html = new HtmlReport(out, "DDIM reconstruction on the emoji test split");
        RectifiedModel rectified = c.rectifier() == null ? null
                : RectifiedModel.of(m, store.resolve(c.model()), c.rectifier(), store::resolve);
        List<Row> rows = new ArrayList<>();
        double gapBase = posteriorGap(m, null, images, c.batch());
        double gapRectified = rectified == null ? Double.NaN : posteriorGap(m, rectified, images, c.batch());
        for (int s : c.steps()) {
            int n = s;
            rows.add(evaluate("base", (x, hooks) -> PixelPipelines.reconstruct(m, x, n, hooks).image(), images, s,
                    c.batch(), judge, html, progress.apply(s), gapBase));
            if (rectified != null) {
                RectifiedModel rm = rectified;
                rows.add(evaluate("rectified", (x, hooks) -> rm.reconstruct(x, n, hooks).image(), images, s,
                        c.batch(), judge, html, progress.apply(s), gapRectified));
            }
        }
        Result r = new Result(c, images.size(), List.copyOf(rows));
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(r.fields()));
        List<List<Object>> table = new ArrayList<>();
        rows.forEach(row -> table.add(List.of(row.model(), row.steps(), row.psnrMean(), row.psnrMedian(), row.ssimMean(),
                row.l1Mean(), row.l2Mean(), row.posteriorGap(),
                Double.isNaN(row.judgeSameTop1()) ? "-" : row.judgeSameTop1(),
                Double.isNaN(row.judgeFdToInputs()) ? "-" : row.judgeFdToInputs(), row.seconds())));
        html.section("Summary", images.size() + " test-split images, model " + c.model());
        html.table(List.of("model", "steps", "PSNR mean", "PSNR median", "SSIM mean", "L1 mean", "L2 mean",
                "‖Δe‖²", "judge: same top-1", "judge-FD to inputs", "seconds"), table);
        html.write();
        return r;
    }

    /** One reconstruction of a batch (B, 3, S, S). */
    private interface Recon {
        Tensor apply(Tensor x, LoopHooks hooks);
    }

    private static Row evaluate(String model, Recon recon, List<RgbImage> images, int s, int batch, EmojiJudge judge,
                                HtmlReport html, StepListener bar, double posteriorGap) {
        double[] psnr = new double[images.size()];
        double[] ssim = new double[images.size()];
        double[] l1 = new double[images.size()];
        double[] l2 = new double[images.size()];
        List<RgbImage> shown = new ArrayList<>();
        List<RgbImage> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int from = 0; from < images.size(); from += batch) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
            try (PointerScope ignored = new PointerScope()) {
                Tensor x = ImageTensors.toTensor(chunk);
                List<RgbImage> out = ImageTensors.fromBatch(recon.apply(x, LoopHooks.NONE));
                for (int i = 0; i < chunk.size(); i++) {
                    psnr[from + i] = Metrics.psnr(chunk.get(i), out.get(i), 1.0);
                    ssim[from + i] = Metrics.ssim(chunk.get(i), out.get(i), 1.0);
                    double[] e = errors(chunk.get(i), out.get(i));
                    l1[from + i] = e[0];
                    l2[from + i] = e[1];
                    all.add(out.get(i));
                    if (from + i < 8) {
                        shown.add(chunk.get(i));
                        shown.add(out.get(i));
                    }
                }
            }
            bar.onStep(Math.min(images.size(), from + batch), images.size(), Double.NaN);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            caps.add(i % 2 == 0 ? "input" : model + ", " + s + " steps");
        }
        html.section(model + ", " + s + " steps", "Pairs of input and reconstruction (first images).");
        html.images(shown, caps, 3);
        double sameTop1 = Double.NaN;
        double fd = Double.NaN;
        if (judge != null) {
            JudgeScores in = JudgeScores.of(judge, ImageTensors.toTensor(images), n -> { });
            JudgeScores re = JudgeScores.of(judge, ImageTensors.toTensor(all), n -> { });
            int same = 0;
            for (int i = 0; i < in.size(); i++) {
                same += in.top1(i) == re.top1(i) ? 1 : 0;
            }
            sameTop1 = (double) same / in.size();
            fd = re.frechetDistance(in);
        }
        return new Row(model, s, Arrays.stream(psnr).average().orElse(Double.NaN), median(psnr),
                Arrays.stream(ssim).average().orElse(Double.NaN), median(ssim),
                Arrays.stream(l1).average().orElse(Double.NaN), Arrays.stream(l2).average().orElse(Double.NaN),
                posteriorGap, secs,
                sameTop1, fd);
    }

    /** Timesteps of the posterior-mean gap: evenly spread over the schedule. */
    static final int GAP_TIMESTEPS = 10;

    /**
     * The posterior-mean gap ‖Δe‖² of paper 002's Table 1 (after PDAE, Zhang et al. 2022): the mean squared error
     * per value between the noise ε and the model's ε̂(x_t, t) (the gap between the model's posterior mean and the
     * true posterior mean of q(x_{t−1} | x_t, x₀), up to a per-t factor), over the images and {@value
     * #GAP_TIMESTEPS} timesteps (k + ½)·T/{@value #GAP_TIMESTEPS}, with the same seeded noise for every model;
     * with a rectifier, ε̂ is the rectified model's (conditioned on x₀).
     */
    public static double posteriorGap(PixelDiffusionModel m, RectifiedModel rectified, List<RgbImage> images,
                                      int batch) {
        int T = m.schedule().numTrainTimesteps();
        double sum = 0;
        long count = 0;
        for (int from = 0; from < images.size(); from += batch) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
            for (int k = 0; k < GAP_TIMESTEPS; k++) {
                try (PointerScope ignored = new PointerScope();
                     org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
                    int t = (int) ((k + 0.5) * T / GAP_TIMESTEPS);
                    Tensor x0 = ImageTensors.toTensor(chunk);
                    org.bytedeco.pytorch.Generator gen = dev.retouch.core.tensor.Tensors.generator(1000L * from + k);
                    Tensor noise = dev.retouch.core.tensor.Tensors.randn(gen, dev.retouch.core.tensor.Tensors.shape(x0));
                    Tensor xt = m.schedule().addNoise(x0, noise, t);
                    int[] ts = new int[chunk.size()];
                    Arrays.fill(ts, t);
                    Tensor out = rectified == null ? m.unet().forward(xt, PixelPipelines.timestepTensor(t, x0.size(0)))
                            : rectified.forward(xt, ts, x0);
                    Tensor eps = m.schedule().predictEps(out, xt, t);
                    sum += eps.sub(noise).pow(dev.retouch.core.tensor.Tensors.s(2)).sum().item_double();
                    count += x0.numel();
                    dev.retouch.core.tensor.Tensors.release(gen);
                }
            }
        }
        return sum / count;
    }

    /** Mean absolute and mean squared error per value, images in [0, 1] (the paper's L1 and L2). */
    public static double[] errors(RgbImage a, RgbImage b) {
        float[] x = a.chw();
        float[] y = b.chw();
        double l1 = 0;
        double l2 = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            l1 += Math.abs(d);
            l2 += d * d;
        }
        return new double[]{l1 / x.length, l2 / x.length};
    }

    /** The median of {@code v}. */
    public static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
