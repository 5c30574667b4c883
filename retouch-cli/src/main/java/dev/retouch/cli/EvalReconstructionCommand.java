package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code retouch eval reconstruction}: DDIM inversion + reconstruction quality on the emoji test split. */
@Command(name = "reconstruction", mixinStandardHelpOptions = true,
        description = "Invert test-split emoji with deterministic DDIM and regenerate them; report mean and median "
                + "PSNR/SSIM to the inputs for each step count. Images: the test split sorted by file name, every k-th "
                + "so that --limit are taken.",
        footer = {"", "Example:", "  bin/retouch eval reconstruction --model emoji-ddpm-32 --steps 50,200 --limit 64 --out out/eval-recon"})
final class EvalReconstructionCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "50,200", split = ",", description = "Step counts (default: ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--limit", defaultValue = "64", description = "Test images to use (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch", defaultValue = "16", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, description = "Report directory.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--limit", limit, 1, 100_000);
        CliSupport.requireRange("--batch", batch, 1, 1024);
        PixelDiffusionModel m = pixelModel.load();
        for (int s : steps) {
            CliSupport.requireRange("--steps", s, 1, m.schedule().numTrainTimesteps());
        }
        CliSupport.mkdirs(out);
        List<RgbImage> images = testImages(m.sampleSize());
        judge = EvalSamplesCommand.optionalJudge(judgeName);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", pixelModel.name);
        report.put("images", images.size());
        List<Map<String, Object>> rows = new ArrayList<>();
        HtmlReport html = new HtmlReport(out, "DDIM reconstruction on the emoji test split");
        for (int s : steps) {
            rows.add(evaluate(m, images, s, html));
        }
        report.put("results", rows);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        List<List<Object>> table = new ArrayList<>();
        rows.forEach(r -> table.add(List.of(r.get("steps"), r.get("psnr_mean"), r.get("psnr_median"), r.get("ssim_mean"),
                r.getOrDefault("judge_same_top1", "-"), r.getOrDefault("judge_fd_to_inputs", "-"), r.get("seconds"))));
        html.section("Summary", images.size() + " test-split images, model " + pixelModel.name);
        html.table(List.of("steps", "PSNR mean", "PSNR median", "SSIM mean", "judge: same top-1", "judge-FD to inputs",
                "seconds"), table);
        html.write();
        CliSupport.print(common, report);
    }

    @picocli.CommandLine.Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge: "
            + "share of reconstructions it gives the input's top-1 subcategory, judge-FD to the inputs; left out with "
            + "a warning when absent (default: ${DEFAULT-VALUE}).")
    String judgeName;

    private dev.retouch.eval.judge.EmojiJudge judge;

    private List<RgbImage> testImages(int size) {
        EmojiDataset ds = EmojiDataset.load();
        List<RgbImage> out = new ArrayList<>();
        for (EmojiImage e : ds.spread(Split.TEST, limit)) {
            out.add(new RgbImage(size, size, ds.rgb(e, size)));
        }
        return out;
    }

    private Map<String, Object> evaluate(PixelDiffusionModel m, List<RgbImage> images, int s, HtmlReport html) {
        double[] psnr = new double[images.size()];
        double[] ssim = new double[images.size()];
        List<RgbImage> shown = new ArrayList<>();
        List<RgbImage> all = new ArrayList<>();
        Progress bar = Progress.stderr("reconstruct " + s + " steps", images.size());
        long t0 = System.nanoTime();
        for (int from = 0; from < images.size(); from += batch) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
            try (PointerScope ignored = new PointerScope()) {
                Tensor x = ImageTensors.toTensor(chunk);
                List<RgbImage> recon = ImageTensors.fromBatch(PixelPipelines.reconstruct(m, x, s, LoopHooks.NONE).image());
                for (int i = 0; i < chunk.size(); i++) {
                    psnr[from + i] = Metrics.psnr(chunk.get(i), recon.get(i), 1.0);
                    ssim[from + i] = Metrics.ssim(chunk.get(i), recon.get(i), 1.0);
                    all.add(recon.get(i));
                    if (from + i < 8) {
                        shown.add(chunk.get(i));
                        shown.add(recon.get(i));
                    }
                }
            }
            bar.onStep(Math.min(images.size(), from + batch), images.size(), Double.NaN);
        }
        double secs = CliSupport.seconds(t0);
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            caps.add(i % 2 == 0 ? "input" : s + " steps");
        }
        html.section(s + " steps", "Pairs of input and reconstruction (first images).");
        html.images(shown, caps, 3);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("steps", s);
        r.put("psnr_mean", Arrays.stream(psnr).average().orElse(Double.NaN));
        r.put("psnr_median", median(psnr));
        r.put("ssim_mean", Arrays.stream(ssim).average().orElse(Double.NaN));
        r.put("ssim_median", median(ssim));
        r.put("seconds", secs);
        if (judge != null) {
            var in = dev.retouch.eval.judge.JudgeScores.of(judge, ImageTensors.toTensor(images), n -> { });
            var re = dev.retouch.eval.judge.JudgeScores.of(judge, ImageTensors.toTensor(all), n -> { });
            int same = 0;
            for (int i = 0; i < in.size(); i++) {
                same += in.top1(i) == re.top1(i) ? 1 : 0;
            }
            r.put("judge_same_top1", (double) same / in.size());
            r.put("judge_fd_to_inputs", re.frechetDistance(in));
        }
        return r;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
