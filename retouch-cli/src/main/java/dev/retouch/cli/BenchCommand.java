package dev.retouch.cli;

import dev.retouch.eval.demo.Demo;

import dev.retouch.eval.edit.PixelguideBenchmark;

import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.train.AdamW;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code retouch bench}: component and whole-pipeline timings on this machine, each the median of several repeats,
 * with the UNet's achieved rate reported against a large matrix product timed in the same process.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time components on this machine: a 2048³ matrix product (the practical peak), the "
                + "emoji-ddpm-32 UNet forward at batch 16 (FLOPs counted from layer shapes), a 50-step DDIM sample, "
                + "training throughput, a pixelguide edit, an emoji-vae round trip, and when shipped: a 25-step emoji-ldm "
                + "text-to-image sample (batch 1 and 8) and a fewshot skin-tone edit. Values are medians over --repeats runs.",
        footer = {"", "Example:", "  bin/retouch bench --json"})
final class BenchCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--repeats", defaultValue = "5", description = "Repeats per measurement (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--vs-pytorch", description = "Instead of the component timings: the emoji-ddpm-32 and emoji-ldm "
            + "UNets side by side with PyTorch from Python on the same weights, inputs and threads (forward at batch 1 "
            + "and 16, a training step at batch 16), ratios Retouch ÷ PyTorch (< 1: Retouch is faster) and the "
            + "outputs' max abs difference. Installs Debian's python3-torch when it is missing (root).")
    boolean vsPytorch;

    /** One timed piece of work. */
    interface Work {
        void run();
    }

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--repeats", repeats, 1, 1000);
        PixelDiffusionModel m = pixelModel.load();
        Generator g = Tensors.generator(0);
        var verdict = dev.retouch.core.engine.Engine.verdict();
        emitText("conv_route", verdict.route().name() + (verdict.trusted() ? "" : " (NOT TRUSTED)"));
        if (vsPytorch) {
            vsPytorch(m, g);
            return;
        }
        double gemm = gemmGflops(g);
        emit("gemm_gflops", gemm, "GFLOP/s");
        double unet = unetGflops(m.unet(), g);
        emit("unet_forward_gflops", unet, "GFLOP/s");
        emit("unet_gemm_ratio", unet / gemm, "ratio");
        emit("ddim50_sample_seconds", median(repeats, () -> PixelPipelines.sample(m, DDIMScheduler.of(m.schedule(), 50),
                1, Tensors.generator(1), LoopHooks.NONE)), "s");
        emit("train_images_per_second", 16 / trainStepSeconds(m, g), "images/s");
        emit("pixelguide50_edit_seconds", pixelguideSeconds(m), "s");
        emit("vae_roundtrip_seconds", vaeRoundTripSeconds(g), "s");
        java.nio.file.Path ldm = Models.shippedRoot().resolve(Demo.LDM);
        if (java.nio.file.Files.isDirectory(ldm)) {
            var ld = dev.retouch.diffusion.model.LatentDiffusion.load(ldm);
            emit("ldm25_sample_seconds", ldmSampleSeconds(ld, 1), "s");
            emit("ldm25_batch8_seconds_per_image", ldmSampleSeconds(ld, 8) / 8, "s");
        } else {
            CliSupport.warn("models/" + Demo.LDM + " is not shipped: no text-to-image timing");
        }
        java.nio.file.Path effect = Models.shippedRoot().resolve(Demo.EFFECT);
        if (java.nio.file.Files.isDirectory(effect)) {
            var e = dev.retouch.edit.fewshot.Effect.load(effect);
            var pair = e.pairs().get(0);
            e.apply(pair.before(), 0);
            emit("fewshot_edit_seconds", median(repeats, () -> e.apply(pair.before(), 1)), "s");
        } else {
            CliSupport.warn("models/" + Demo.EFFECT + " is not shipped: no fewshot timing");
        }
    }

    /** The side-by-side comparison with PyTorch ({@link VsPytorch}); each model's PyTorch run goes first, alone. */
    private void vsPytorch(PixelDiffusionModel m, Generator g) {
        java.nio.file.Path home = Models.shippedRoot().getParent();
        int threads = torch.get_num_threads();
        emit("threads", threads, "threads");
        var results = new java.util.ArrayList<VsPytorch.Result>();
        results.add(VsPytorch.pixel(home, "ddpm32", Models.resolve(pixelModel.name), m.unet(), threads, repeats, g, CliSupport::warn));
        java.nio.file.Path ldmDir = Models.shippedRoot().resolve(Demo.LDM);
        if (java.nio.file.Files.isDirectory(ldmDir)) {
            var ld = dev.retouch.diffusion.model.LatentDiffusion.load(ldmDir);
            long tokens = ld.clip().model().config().text().maxPositions();
            results.add(VsPytorch.latent(home, "ldm", ldmDir, ld.unet(), tokens, threads, repeats, g, CliSupport::warn));
        } else {
            CliSupport.warn("models/" + Demo.LDM + " is not shipped: only the pixel UNet is compared");
        }
        double worstForward = 0;
        double worstTrain = 0;
        double worstDiff = 0;
        for (VsPytorch.Result r : results) {
            System.err.println(VsPytorch.describe(r));
            emit("vs_pytorch_" + r.model() + "_forward1_ratio", r.forwardRatio(1), "ratio");
            emit("vs_pytorch_" + r.model() + "_forward16_ratio", r.forwardRatio(16), "ratio");
            emit("vs_pytorch_" + r.model() + "_train16_ratio", r.trainRatio(), "ratio");
            emit("vs_pytorch_" + r.model() + "_max_abs_diff", r.maxAbsDiff(), "abs");
            worstForward = Math.max(worstForward, Math.max(r.forwardRatio(1), r.forwardRatio(16)));
            worstTrain = Math.max(worstTrain, r.trainRatio());
            worstDiff = Math.max(worstDiff, r.maxAbsDiff());
        }
        emit("vs_pytorch_forward_ratio", worstForward, "ratio (worst of the forward lines)");
        emit("vs_pytorch_train_ratio", worstTrain, "ratio (worst of the train lines)");
        emit("vs_pytorch_max_abs_diff", worstDiff, "abs");
    }

    /** A 25-step DPM-Solver++(2M) text-to-image sample of {@code count} images with classifier-free guidance 5. */
    private double ldmSampleSeconds(dev.retouch.diffusion.model.LatentDiffusion ld, int count) {
        var states = dev.retouch.diffusion.pipeline.PromptStates.encode(ld, java.util.List.of("red heart"), "",
                CliSupport::warn);
        Work sample = () -> dev.retouch.diffusion.pipeline.LatentPipelines.generate(ld, states, 5.0, count,
                dev.retouch.diffusion.schedule.SamplerKind.DPMPP_2M.create(ld.schedule(), 25, 0.0),
                Tensors.generator(1), LoopHooks.NONE);
        try (NoGradGuard ignored = new NoGradGuard()) {
            sample.run();
            return median(repeats, sample);
        }
    }

    /** Encode (posterior mode) + decode of one 64×64 image by emoji-vae (its structure, if not shipped yet). */
    private double vaeRoundTripSeconds(Generator g) {
        java.nio.file.Path dir = Models.shippedRoot().resolve("emoji-vae");
        var vae = java.nio.file.Files.isDirectory(dir) ? dev.retouch.diffusion.vae.AutoencoderKL.load(dir)
                : new dev.retouch.diffusion.vae.AutoencoderKL(dev.retouch.diffusion.vae.AutoencoderKLConfig.emoji());
        int s = vae.config().sampleSize();
        Tensor x = Tensors.rand(g, 1, 3, s, s);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Work roundTrip = () -> vae.decode(vae.encode(x).mode());
            roundTrip.run();
            return median(repeats, roundTrip);
        }
    }

    /** One 50-step pixelguide edit of a face (the demo's 1f601, "close mouth" with the size-based defaults). */
    private double pixelguideSeconds(PixelDiffusionModel m) {
        var pc = dev.retouch.edit.pixelguide.PixelClassifiers.load(Models.resolve(Demo.CLASSIFIERS));
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("retouch-bench");
        } catch (java.io.IOException e) {
            throw new dev.retouch.core.RetouchException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        var img = CliSupport.tensor(CliSupport.imageAt(dev.retouch.eval.demo.DemoInputs.extract(dir).get(0), m.sampleSize()));
        var original = pc.segment(m, img, 0);
        var edit = dev.retouch.edit.pixelguide.ScriptedEdits.forMap(original).get(0);
        var target = dev.retouch.edit.pixelguide.MapEdit.apply(original, edit.ops());
        var c = new PixelguideBenchmark.Case("1f601.png", edit.name(), null, original, target,
                dev.retouch.edit.pixelguide.Roi.of(original, target));
        var o = PixelguideBenchmark.defaults(c, true, 0);
        return median(repeats, () -> dev.retouch.edit.pixelguide.PixelGuide.edit(m, pc, img, original, target, o, null));
    }

    private void emit(String name, double value, String unit) {
        if (common.json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", name);
            line.put("value", value);
            line.put("unit", unit);
            System.out.println(Json.toJson(line).replaceAll("\\s*\\n\\s*", " ").trim());
        } else {
            String v = value != 0 && Math.abs(value) < 1e-3 ? String.format(Locale.ROOT, "%10.3e", value)
                    : String.format(Locale.ROOT, "%10.4f", value);
            System.out.printf(Locale.ROOT, "%-34s %s %s%n", name, v, unit);
        }
        System.out.flush();
    }

    /** A line whose value is a word, e.g. the convolution route in force. */
    private void emitText(String name, String value) {
        if (common.json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", name);
            line.put("value", value);
            System.out.println(Json.toJson(line).replaceAll("\\s*\\n\\s*", " ").trim());
        } else {
            System.out.printf(Locale.ROOT, "%-34s %10s%n", name, value);
        }
        System.out.flush();
    }

    private double gemmGflops(Generator g) {
        Tensor a = Tensors.randn(g, 2048, 2048);
        Tensor b = Tensors.randn(g, 2048, 2048);
        a.matmul(b); // warm-up
        double s = median(repeats, () -> a.matmul(b));
        return 2.0 * 2048 * 2048 * 2048 / s / 1e9;
    }

    private double unetGflops(UNet2DModel unet, Generator g) {
        int s = unet.config().sampleSize();
        Tensor x = Tensors.randn(g, 16, unet.config().inChannels(), s, s);
        Tensor t = PixelPipelines.timestepTensor(500, 16);
        try (NoGradGuard ignored = new NoGradGuard()) {
            unet.forward(x, t);
            double secs = median(repeats, () -> unet.forward(x, t));
            return 2.0 * unet.macsPerImage() * 16 / secs / 1e9;
        }
    }

    private double trainStepSeconds(PixelDiffusionModel m, Generator g) {
        UNet2DModel unet = new UNet2DModel(m.config().unet());
        unet.initialize(g);
        AdamW opt = new AdamW(unet.namedParameters(), 0);
        int s = unet.config().sampleSize();
        Work step = () -> {
            opt.zeroGrad();
            Tensor x = Tensors.randn(g, 16, 3, s, s);
            Tensor loss = torch.mse_loss(unet.forward(x, PixelPipelines.timestepTensor(500, 16)), x);
            loss.backward();
            opt.step(1e-4);
        };
        step.run();
        return median(repeats, step);
    }

    /** Median wall time in seconds of {@code n} runs, each inside its own pointer scope. */
    static double median(int n, Work work) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            try (PointerScope ignored = new PointerScope()) {
                work.run();
            }
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    }
}
