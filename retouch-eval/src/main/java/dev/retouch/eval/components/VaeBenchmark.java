package dev.retouch.eval.components;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.VaeScores;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The autoencoder's round trip (posterior mode, decoded) on a split: mean PSNR and SSIM, and example pairs.
 * Writes {@code report.json} and {@code index.html}.
 */
public final class VaeBenchmark {
    private VaeBenchmark() {
    }

    public record Config(String model, Split split) {
    }

    public record Result(Config config, VaeScores.Result scores, double scalingFactor, double seconds) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("split", config.split().name().toLowerCase(Locale.ROOT));
            f.put("images", scores.n());
            f.put("psnr", scores.psnr());
            f.put("ssim", scores.ssim());
            f.put("scaling_factor", scalingFactor);
            f.put("seconds", seconds);
            return f;
        }
    }

    /** Runs the benchmark and writes its report into {@code out} (created). */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out) {
        AutoencoderKL vae = store.load(store.resolve(c.model()), AutoencoderKL.class, AutoencoderKL::load);
        Tensor images = ds.tensor(ds.images(c.split()), vae.config().sampleSize());
        long t0 = System.nanoTime();
        VaeScores.Result r = VaeScores.evaluate(vae, images, 64);
        Result res = new Result(c, r, vae.config().scalingFactor(), (System.nanoTime() - t0) / 1e9);
        Reports.directory(out);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(res.fields()));
        String split = c.split().name().toLowerCase(Locale.ROOT);
        HtmlReport html = new HtmlReport(out, "Autoencoder reconstruction on the emoji " + split + " split");
        html.section("Summary", r.n() + " images, model " + c.model());
        html.table(List.of("images", "PSNR mean", "SSIM mean"), List.of(List.of(r.n(), r.psnr(), r.ssim())));
        html.section("Examples", "Pairs of input and reconstruction (first 12 images of the split).");
        html.images(examples(vae, images.narrow(0, 0, Math.min(12, images.size(0)))), pairCaptions(12), 3);
        html.write();
        return res;
    }

    private static List<RgbImage> examples(AutoencoderKL vae, Tensor x) {
        try (InferenceMode guard = new InferenceMode()) {
            List<RgbImage> in = ImageTensors.fromBatch(x);
            List<RgbImage> rec = ImageTensors.fromBatch(vae.decode(vae.encode(x).mode()).clamp(
                    new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1))));
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
