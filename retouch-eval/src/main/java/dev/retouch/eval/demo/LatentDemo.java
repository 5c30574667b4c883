package dev.retouch.eval.demo;

import dev.retouch.eval.report.HtmlReport;


import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.vae.AutoencoderKL;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo of the latent world: emoji-vae round trips, emoji-ldm text-to-image for fixed captions, and img2img of the
 * demo inputs. Parts whose model is not shipped say so in the report instead of failing the demo.
 */
final class LatentDemo implements DemoSection {
    static final String VAE = "emoji-vae";
    static final String LDM = "emoji-ldm";
    /** Fixed captions in the style of the emoji captions (names, subcategories, tones). */
    static final List<String> CAPTIONS = List.of("grinning face", "crying face", "red heart", "face with sunglasses",
            "thumbs up: medium skin tone", "waving hand: dark skin tone", "cat face", "red apple", "fire",
            "snowflake", "rocket", "flag: france");

    @Override
    public String title() {
        return "emoji-vae / emoji-ldm: autoencoder, text-to-image, img2img";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        Path root = ctx.root();
        if (!Files.isDirectory(root.resolve(VAE))) {
            report.section("Autoencoder (" + VAE + ")", "not shipped yet: models/" + VAE + " is missing.");
        } else {
            autoencoder(ctx, report, AutoencoderKL.load(root.resolve(VAE)), quick ? inputs.subList(0, 2) : inputs);
        }
        if (!Files.isDirectory(root.resolve(LDM))) {
            report.section("Text-to-image and img2img (" + LDM + ")", "not shipped yet: models/" + LDM + " is missing.");
            return;
        }
        LatentDiffusion ld = LatentDiffusion.load(root.resolve(LDM));
        int steps = quick ? 5 : 25;
        textToImage(ctx, report, ld, quick ? CAPTIONS.subList(0, 2) : CAPTIONS, steps, seed);
        img2img(ctx, report, ld, quick ? inputs.subList(0, 1) : inputs, steps, seed);
    }

    private static void autoencoder(Context ctx, HtmlReport report, AutoencoderKL vae, List<Path> inputs) {
        report.section("Autoencoder (" + VAE + ")", "Each input is encoded to its 4×16×16 latent (posterior mode) and "
                + "decoded.");
        List<RgbImage> shown = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        try (InferenceMode guard = new InferenceMode()) {
            for (int i = 0; i < inputs.size(); i++) {
                RgbImage in = ctx.imageAt(inputs.get(i), vae.config().sampleSize());
                Tensor x = ImageTensors.toTensor(in);
                RgbImage out = ImageTensors.fromTensor(vae.decodeLatents(vae.encodeLatents(x)));
                shown.add(in);
                shown.add(out);
                caps.add(DemoInputs.NAMES.get(i));
                caps.add("decoded");
                rows.add(List.of(DemoInputs.NAMES.get(i), Metrics.psnr(in, out, 1.0), Metrics.ssim(in, out, 1.0)));
            }
        }
        report.images(shown, caps, 3);
        report.table(List.of("input", "PSNR dB", "SSIM"), rows);
    }

    private static void textToImage(Context ctx, HtmlReport report, LatentDiffusion ld, List<String> captions, int steps, long seed) {
        double guidance = 5.0;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("sampler", SamplerKind.DPMPP_2M.id());
        params.put("steps", steps);
        params.put("guidance", guidance);
        params.put("seed", seed);
        report.section("Text-to-image (" + LDM + ")", "Two images per caption with classifier-free guidance.");
        report.params(params);
        List<RgbImage> shown = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String caption : captions) {
            Scheduler s = SamplerKind.DPMPP_2M.create(ld.schedule(), steps, 0.0);
            PromptStates states = PromptStates.encode(ld, List.of(caption), "", ctx::warn);
            Tensor x = LatentPipelines.generate(ld, states, guidance, 2, s, Tensors.generator(seed), LoopHooks.NONE);
            for (RgbImage img : ImageTensors.fromBatch(x)) {
                shown.add(img);
                caps.add(caption);
            }
        }
        report.images(shown, caps, 3);
        report.table(List.of("images", "seconds in all"), List.of(List.of(shown.size(), Context.seconds(t0))));
    }

    private static void img2img(Context ctx, HtmlReport report, LatentDiffusion ld, List<Path> inputs, int steps, long seed) {
        String prompt = "face with tears of joy";
        double[] strengths = {0.4, 0.6, 0.8};
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("prompt", prompt);
        params.put("strengths", "0.4, 0.6, 0.8");
        params.put("steps", steps);
        params.put("guidance", 5.0);
        params.put("seed", seed);
        report.section("img2img (" + LDM + ")", "Each input noised to a strength, then denoised towards the prompt.");
        report.params(params);
        PromptStates states = PromptStates.encode(ld, List.of(prompt), "", ctx::warn);
        for (int i = 0; i < inputs.size(); i++) {
            RgbImage in = ctx.imageAt(inputs.get(i), ld.imageSize());
            List<RgbImage> row = new ArrayList<>(List.of(in));
            List<String> caps = new ArrayList<>(List.of(DemoInputs.NAMES.get(i)));
            for (double strength : strengths) {
                Tensor x = LatentPipelines.img2img(ld, ImageTensors.toTensor(in), states, 5.0, strength, steps,
                        Tensors.generator(seed), LoopHooks.NONE);
                row.add(ImageTensors.fromTensor(x));
                caps.add("strength " + strength);
            }
            report.images(row, caps, 3);
        }
    }
}
