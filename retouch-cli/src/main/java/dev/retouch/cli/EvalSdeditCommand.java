package dev.retouch.cli;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.eval.edit.SubjectKept;
import dev.retouch.eval.judge.EmojiJudge;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch eval sdedit}: does SDEdit / img2img keep the subject of a test image? */
@Command(name = "sdedit", mixinStandardHelpOptions = true,
        description = {"Noise --count test-split emoji (every k-th by file name) to --strength and denoise them: "
                + "SDEdit with a pixel model, img2img with each image's own caption as the prompt with a latent "
                + "model. Reports, by emoji-judge (evaluation-only): the share of outputs whose top-1 subcategory is "
                + "the judge's top-1 for the input (the subject kept), the share whose top-1 is the image's true "
                + "subcategory (and the same for the inputs), and PSNR / SSIM to the inputs.",
                "Writes OUT/report.json and OUT/index.html (the first 24 inputs and outputs with the judge's labels)."},
        footer = {"", "Examples:", "  bin/retouch eval sdedit --model emoji-ddpm-32 --strength 0.5 --out out/eval-sdedit",
                "  bin/retouch eval sdedit --model emoji-ldm --strength 0.6 --out out/eval-img2img"})
final class EvalSdeditCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ddpm-32", description = "Pixel or latent model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Judge model (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--count", defaultValue = "64", description = "Test images, 1–1000 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--strength", defaultValue = "0.5", description = "Noise level, (0, 1] (default: ${DEFAULT-VALUE}).")
    double strength;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps of a full run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance, latent models "
            + "(default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--count", count, 1, 1000);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--guidance", guidance, 1, 100);
        if (!(strength > 0 && strength <= 1)) {
            throw new CliSupport.UsageError("--strength must be in (0, 1], got " + strength);
        }
        EmojiJudge judge = EmojiJudge.load(Models.resolve(judgeName));
        boolean latent = Models.isLatent(Models.resolve(model));
        CliSupport.mkdirs(out);
        EmojiDataset ds = EmojiDataset.load();
        List<EmojiImage> chosen = EmojiData.spread(ds, Split.TEST, count);
        int n = chosen.size();
        int[] truth = chosen.stream().mapToInt(e -> judge.config().subcategories().indexOf(e.base().subcategory()))
                .toArray();
        SubjectKept.Config config = new SubjectKept.Config(strength, steps, guidance, seed);
        Progress bar = Progress.stderr(latent ? "img2img" : "sdedit", n);
        SubjectKept.Report r;
        Tensor images;
        if (latent) {
            var ld = CliSupport.latentModel(model);
            images = ds.tensor(chosen, ld.imageSize());
            r = SubjectKept.latent(ld, images, chosen.stream().map(EmojiImage::caption).toList(), truth, judge, config,
                    CliSupport::warn, bar);
        } else {
            var m = CliSupport.pixelModel(model);
            images = ds.tensor(chosen, m.sampleSize());
            r = SubjectKept.pixel(m, images, truth, judge, config, bar);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("edit", latent ? "img2img (own caption)" : "sdedit");
        report.put("judge", judgeName);
        report.put("images", n);
        report.put("strength", strength);
        report.put("steps", steps);
        if (latent) {
            report.put("guidance", guidance);
        }
        report.put("seed", seed);
        report.put("subject_kept_share", r.keptShare());
        report.put("output_true_subcategory_share", r.outputTruthShare());
        report.put("input_true_subcategory_share", r.inputTruthShare());
        report.put("psnr_mean", r.meanPsnr());
        report.put("ssim_mean", r.meanSsim());
        report.put("edit_seconds", r.seconds());
        Json.write(out.resolve("report.json"), report);
        writeHtml(images, r, judge, report);
        CliSupport.print(common, report);
    }

    private void writeHtml(Tensor images, SubjectKept.Report r, EmojiJudge judge, Map<String, Object> report) {
        HtmlReport html = new HtmlReport(out, report.get("edit") + " of test emoji with " + model + ", read by "
                + judgeName);
        html.section("Scores", String.format(Locale.ROOT, "strength %.2f, %d DDIM steps: subject kept (judge top-1 of "
                        + "output = of input) %.2f; output's judge top-1 = true subcategory %.2f (inputs: %.2f); "
                        + "PSNR %.2f dB, SSIM %.3f to the inputs.", strength, steps, r.keptShare(),
                r.outputTruthShare(), r.inputTruthShare(), r.meanPsnr(), r.meanSsim()));
        html.judge(new dev.retouch.eval.judge.JudgeView(judge));
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
