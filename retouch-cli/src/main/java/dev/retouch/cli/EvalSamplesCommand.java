package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.Progress;
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
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code retouch eval samples}: unconditional samples read by the evaluation-only judge. */
@Command(name = "samples", mixinStandardHelpOptions = true,
        description = {"Draw --count unconditional samples from a pixel model (or a latent text-to-image model with "
                + "the empty prompt) and read them with emoji-judge: judge-FD to the TEST split, the floor (judge-FD "
                + "of as many TRAIN images, and of all of them, to the TEST images: FD grows as sets shrink), and the share of images the judge recognises (top-1 "
                + "probability ≥ 0.5) among the samples and among the real test images. Real images are resized to "
                + "the model's resolution first, so the distances compare content, not sharpness.",
                "Writes OUT/report.json and OUT/index.html (the first 48 samples with the judge's labels)."},
        footer = {"", "Examples:", "  bin/retouch eval samples --model emoji-ddpm-32 --count 256 --out out/eval-samples",
                "  bin/retouch eval samples --model emoji-ldm --count 128 --steps 25 --out out/eval-samples-ldm"})
final class EvalSamplesCommand implements Runnable {
    /** A sample counts as recognised when the judge gives its top-1 subcategory at least this probability. */
    static final double RECOGNISED = 0.5;

    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ddpm-32", description = "Pixel or latent model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Judge model (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--count", defaultValue = "256", description = "Samples, 2–4096 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--steps", defaultValue = "50", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sampler", defaultValue = "ddim", converter = SampleCommand.SamplerName.class,
            description = "Sampler (default: ${DEFAULT-VALUE}).")
    SamplerKind sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--count", count, 2, 4096);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        EmojiJudge judge = EmojiJudge.load(Models.resolve(judgeName));
        Path dir = Models.resolve(model);
        boolean latent = Models.isLatent(dir);
        CliSupport.mkdirs(out);
        long t0 = System.nanoTime();
        Tensor samples = latent ? latentSamples(CliSupport.latentModel(model)) : pixelSamples(CliSupport.pixelModel(model));
        double sampleSeconds = CliSupport.seconds(t0);
        int side = (int) samples.size(2);
        EmojiDataset ds = EmojiDataset.load();
        Tensor test = EmojiData.tensor(ds, side, Split.TEST);
        Tensor train = EmojiData.tensor(ds, side, Split.TRAIN);
        JudgeScores s = JudgeScores.of(judge, samples, n -> { });
        JudgeScores te = JudgeScores.of(judge, test, n -> { });
        JudgeScores tr = JudgeScores.of(judge, train, n -> { });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("judge", judgeName);
        report.put("count", count);
        report.put("sampler", sampler.id());
        report.put("steps", steps);
        report.put("seed", seed);
        report.put("resolution", side);
        report.put("judge_fd", s.frechetDistance(te));
        report.put("judge_fd_floor_train_vs_test", tr.frechetDistance(te));
        report.put("judge_fd_floor_same_count", tr.subset(Math.min(count, tr.size())).frechetDistance(te));
        report.put("recognised_share", recognised(s));
        report.put("recognised_share_real_test", recognised(te));
        report.put("top_subcategories", topClasses(s, judge, 5));
        report.put("sample_seconds", sampleSeconds);
        Json.write(out.resolve("report.json"), report);
        writeHtml(samples, judge, report);
        CliSupport.print(common, report);
    }

    private Tensor pixelSamples(PixelDiffusionModel m) {
        List<Tensor> parts = new ArrayList<>();
        Progress bar = Progress.stderr("sample", count);
        for (int i = 0; i < count; i += 32) {
            int n = Math.min(32, count - i);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                parts.add(Tensors.keep(PixelPipelines.sample(m, sampler.create(m.schedule(), steps, 0.0), n,
                        Tensors.generator(seed + i), LoopHooks.NONE)));
            }
            bar.onStep(i + n, count, Double.NaN);
        }
        return Tensors.cat(0, parts.toArray(new Tensor[0]));
    }

    /** The empty prompt at guidance 1: the model's unconditional branch (trained with caption dropout). */
    private Tensor latentSamples(LatentDiffusion ld) {
        List<Tensor> parts = new ArrayList<>();
        Progress bar = Progress.stderr("sample", count);
        for (int i = 0; i < count; i += 16) {
            int n = Math.min(16, count - i);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                PromptStates states = PromptStates.encode(ld, Collections.nCopies(n, ""), "", CliSupport::warn);
                parts.add(Tensors.keep(LatentPipelines.generate(ld, states, 1.0, 1,
                        sampler.create(ld.schedule(), steps, 0.0), Tensors.generator(seed + i), LoopHooks.NONE)));
            }
            bar.onStep(i + n, count, Double.NaN);
        }
        return Tensors.cat(0, parts.toArray(new Tensor[0]));
    }

    /** The judge named {@code name}, or null with a warning when there is none (a damaged one is an error). */
    static EmojiJudge optionalJudge(String name) {
        Path dir;
        try {
            dir = Models.resolve(name);
        } catch (dev.retouch.core.RetouchException e) {
            CliSupport.warn("no judge readings: " + e.getMessage());
            return null;
        }
        return EmojiJudge.load(dir);
    }

    static double recognised(JudgeScores s) {
        int n = 0;
        for (int i = 0; i < s.size(); i++) {
            n += s.confidence(i) >= RECOGNISED ? 1 : 0;
        }
        return (double) n / s.size();
    }

    /** The judge's most frequent top-1 subcategories, e.g. {"face-smiling": 0.21, …}. */
    static Map<String, Double> topClasses(JudgeScores s, EmojiJudge judge, int k) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
            counts.merge(judge.config().subcategories().get(s.top1(i)), 1, Integer::sum);
        }
        Map<String, Double> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(k)
                .forEach(e -> top.put(e.getKey(), (double) e.getValue() / s.size()));
        return top;
    }

    private void writeHtml(Tensor samples, EmojiJudge judge, Map<String, Object> report) {
        HtmlReport html = new HtmlReport(out, "Unconditional samples of " + model + ", read by " + judgeName);
        html.section("Scores", String.format(Locale.ROOT, "judge-FD to the TEST split %.2f (floor: as many TRAIN "
                        + "images vs TEST: %.2f; all TRAIN vs TEST: %.2f); "
                        + "recognised (judge top-1 probability ≥ %.1f): %.2f of the samples, %.2f of the real test images.",
                (double) report.get("judge_fd"), (double) report.get("judge_fd_floor_same_count"),
                (double) report.get("judge_fd_floor_train_vs_test"), RECOGNISED,
                (double) report.get("recognised_share"), (double) report.get("recognised_share_real_test")));
        html.judge(new dev.retouch.eval.judge.JudgeView(judge));
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
