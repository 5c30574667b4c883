package dev.retouch.eval.demo;

import dev.retouch.eval.report.HtmlReport;


import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Demo of the pixel-space baselines on emoji-ddpm-32: samples, DDIM reconstruction, SDEdit. */
final class PixelDemo implements DemoSection {
    static final String MODEL = "emoji-ddpm-32";

    @Override
    public String title() {
        return "emoji-ddpm-32: sampling, DDIM reconstruction, SDEdit";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        PixelDiffusionModel m = ctx.store().pixel(MODEL);
        int steps = quick ? 10 : 50;
        samples(report, m, seed, quick ? 4 : 16, steps);
        List<RgbImage> images = new ArrayList<>();
        for (Path p : quick ? inputs.subList(0, 2) : inputs) {
            images.add(ctx.imageAt(p, m.sampleSize()));
        }
        reconstructions(report, m, images, steps);
        sdedits(report, m, images, steps, seed);
    }

    private void samples(HtmlReport report, PixelDiffusionModel m, long seed, int count, int steps) {
        long t0 = System.nanoTime();
        Tensor x = PixelPipelines.sample(m, DDIMScheduler.of(m.schedule(), steps), count, Tensors.generator(seed),
                LoopHooks.NONE);
        double secs = Context.seconds(t0);
        report.section("Unconditional samples (" + MODEL + ")", count + " samples, DDIM η = 0, " + steps
                + " steps, seed " + seed + String.format(java.util.Locale.ROOT, ", %.2f s in all.", secs));
        List<RgbImage> imgs = ImageTensors.fromBatch(x);
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < imgs.size(); i++) {
            caps.add("#" + i);
        }
        report.images(imgs, caps, 3);
    }

    private void reconstructions(HtmlReport report, PixelDiffusionModel m, List<RgbImage> images, int steps) {
        report.section("DDIM inversion and reconstruction", "Each input is inverted with deterministic DDIM ("
                + steps + " steps) to noise and regenerated with the same steps.");
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            long t0 = System.nanoTime();
            var r = PixelPipelines.reconstruct(m, ImageTensors.toTensor(images.get(i)), steps, LoopHooks.NONE);
            double secs = Context.seconds(t0);
            RgbImage out = ImageTensors.fromTensor(r.image());
            RgbImage noise = ImageTensors.fromTensor(r.latent().div(Tensors.s(3)));
            report.images(List.of(images.get(i), report.plain(noise), out), List.of("input", "inverted x_T (÷3)", "reconstruction"), 3);
            rows.add(List.of(DemoInputs.NAMES.get(i), Metrics.psnr(images.get(i), out, 1.0),
                    Metrics.ssim(images.get(i), out, 1.0), secs));
        }
        report.table(List.of("input", "PSNR dB", "SSIM", "seconds"), rows);
    }

    private void sdedits(HtmlReport report, PixelDiffusionModel m, List<RgbImage> images, int steps, long seed) {
        double[] strengths = {0.3, 0.5, 0.7};
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("steps", steps);
        params.put("strengths", "0.3, 0.5, 0.7");
        params.put("seed", seed);
        report.section("SDEdit", "Noise the input to a strength, then denoise with DDIM: more strength, more change.");
        report.params(params);
        for (RgbImage img : images) {
            List<RgbImage> row = new ArrayList<>(List.of(img));
            List<String> caps = new ArrayList<>(List.of("input"));
            for (double s : strengths) {
                Tensor x = PixelPipelines.sdedit(m, ImageTensors.toTensor(img), s, steps, Tensors.generator(seed), LoopHooks.NONE);
                row.add(ImageTensors.fromTensor(x));
                caps.add("strength " + s);
            }
            report.images(row, caps, 3);
        }
    }
}
