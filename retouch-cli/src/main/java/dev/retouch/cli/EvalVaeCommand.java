package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.VaeScores;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code retouch eval vae}: autoencoder reconstruction quality on an emoji split. */
@Command(name = "vae", mixinStandardHelpOptions = true,
        description = "Encode (posterior mode) and decode every image of an emoji split at the autoencoder's size; "
                + "report mean PSNR (dB, data range 1) and mean SSIM (scikit-image's Gaussian SSIM).",
        footer = {"", "Example:", "  bin/retouch eval vae --model emoji-vae --out out/eval-vae"})
final class EvalVaeCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-vae", description = "Autoencoder: shipped name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--split", defaultValue = "TEST", description = "Emoji split: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Override
    public void run() {
        common.apply();
        AutoencoderKL vae = AutoencoderKL.load(Models.resolve(model));
        EmojiDataset dataset = EmojiDataset.load();
        Tensor images = EmojiData.tensor(dataset, vae.config().sampleSize(), split);
        long t0 = System.nanoTime();
        VaeScores.Result r = VaeScores.evaluate(vae, images, 64);
        double seconds = CliSupport.seconds(t0);
        CliSupport.mkdirs(out);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("split", split.name().toLowerCase(java.util.Locale.ROOT));
        report.put("images", r.n());
        report.put("psnr", r.psnr());
        report.put("ssim", r.ssim());
        report.put("scaling_factor", vae.config().scalingFactor());
        report.put("seconds", seconds);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        HtmlReport html = new HtmlReport(out, "Autoencoder reconstruction on the emoji " + report.get("split") + " split");
        html.section("Summary", r.n() + " images, model " + model);
        html.table(List.of("images", "PSNR mean", "SSIM mean"), List.of(List.of(r.n(), r.psnr(), r.ssim())));
        html.section("Examples", "Pairs of input and reconstruction (first 12 images of the split).");
        html.images(examples(vae, images.narrow(0, 0, Math.min(12, images.size(0)))), pairCaptions(12), 3);
        html.write();
        CliSupport.print(common, report);
    }

    private static List<RgbImage> examples(AutoencoderKL vae, Tensor x) {
        try (InferenceMode guard = new InferenceMode()) {
            List<RgbImage> in = ImageTensors.fromBatch(x);
            List<RgbImage> rec = ImageTensors.fromBatch(vae.decode(vae.encode(x).mode()).clamp(
                    new org.bytedeco.pytorch.ScalarOptional(dev.retouch.core.tensor.Tensors.s(-1)),
                    new org.bytedeco.pytorch.ScalarOptional(dev.retouch.core.tensor.Tensors.s(1))));
            List<RgbImage> out = new ArrayList<>();
            for (int i = 0; i < in.size(); i++) {
                out.add(in.get(i));
                out.add(rec.get(i));
            }
            return out;
        }
    }

    private static List<String> pairCaptions(int n) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add("input");
            c.add("decoded");
        }
        return c;
    }
}
