package dev.retouch.eval.bench;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Engine;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.train.AdamW;
import dev.retouch.diffusion.unet.UNet2DModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.MapEdit;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelGuide;
import dev.retouch.edit.pixelguide.Roi;
import dev.retouch.edit.pixelguide.ScriptedEdits;
import dev.retouch.eval.demo.Demo;
import dev.retouch.eval.demo.DemoInputs;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Component and whole-pipeline timings on this machine, each the median of several repeats, with the UNet's
 * achieved rate reported against a large matrix product timed in the same process; or the UNets side by side with
 * PyTorch ({@link VsPytorch}).
 */
public final class Bench {
    /**
     * What to time.
     *
     * @param pixelModel the pixel model (name or directory) of the UNet, sampling, training and pixelguide lines
     * @param repeats    repeats per measurement, in [1, 1000]
     */
    public record Config(String pixelModel, int repeats) {
        public Config {
            if (repeats < 1 || repeats > 1000) {
                throw new InvalidRequestException("repeats must be in [1, 1000], got " + repeats);
            }
        }
    }

    /**
     * One line of the bench: a measured value with its unit, or a word (e.g. the convolution route).
     *
     * @param text the value as a word, or null for a number
     */
    public record Reading(String name, double value, String unit, String text) {
        static Reading of(String name, double value, String unit) {
            return new Reading(name, value, unit, null);
        }
    }

    /** One timed piece of work. */
    @FunctionalInterface
    interface Work {
        void run();
    }

    private final ModelStore store;
    private final Config config;
    private final Consumer<Reading> out;
    private final Consumer<String> warnings;

    private Bench(ModelStore store, Config config, Consumer<Reading> out, Consumer<String> warnings) {
        this.store = store;
        this.config = config;
        this.out = out;
        this.warnings = warnings;
    }

    /**
     * The component timings, each reading handed to {@code out} as soon as it is measured: the convolution route,
     * a 2048³ matrix product (the practical peak), the pixel UNet forward at batch 16 (FLOPs counted from layer
     * shapes) and its ratio to the peak, a 50-step DDIM sample, training throughput, a pixelguide edit, an emoji-vae
     * round trip and, when shipped, a 25-step emoji-ldm text-to-image sample (batch 1 and 8) and a fewshot edit.
     */
    public static void run(ModelStore store, Config config, Consumer<Reading> out, Consumer<String> warnings) {
        new Bench(store, config, out, warnings).components();
    }

    /**
     * The shipped UNets side by side with PyTorch (forward at batch 1 and 16, a training step at batch 16; ratios
     * Retouch ÷ PyTorch and the outputs' largest difference), one description line per model to {@code notices}.
     *
     * @param home the Retouch checkout (its {@code scripts/} hold the PyTorch side)
     */
    public static void vsPytorch(ModelStore store, Config config, Path home, Consumer<Reading> out,
                                 Consumer<String> warnings, Consumer<String> notices) {
        new Bench(store, config, out, warnings).vsPytorch(home, notices);
    }

    private void route() {
        var verdict = Engine.verdict();
        out.accept(new Reading("conv_route", Double.NaN, null,
                verdict.route().name() + (verdict.trusted() ? "" : " (NOT TRUSTED)")));
    }

    private void components() {
        PixelDiffusionModel m = store.pixel(config.pixelModel());
        Generator g = Tensors.generator(0);
        route();
        double gemm = gemmGflops(g);
        out.accept(Reading.of("gemm_gflops", gemm, "GFLOP/s"));
        double unet = unetGflops(m.unet(), g);
        out.accept(Reading.of("unet_forward_gflops", unet, "GFLOP/s"));
        out.accept(Reading.of("unet_gemm_ratio", unet / gemm, "ratio"));
        out.accept(Reading.of("ddim50_sample_seconds", median(config.repeats(), () -> PixelPipelines.sample(m,
                DDIMScheduler.of(m.schedule(), 50), 1, Tensors.generator(1), LoopHooks.NONE)), "s"));
        out.accept(Reading.of("train_images_per_second", 16 / trainStepSeconds(m, g), "images/s"));
        out.accept(Reading.of("pixelguide50_edit_seconds", pixelguideSeconds(m), "s"));
        out.accept(Reading.of("vae_roundtrip_seconds", vaeRoundTripSeconds(g), "s"));
        Optional<Path> ldm = store.lookup(Demo.LDM);
        if (ldm.isPresent()) {
            LatentDiffusion ld = store.latent(ldm.get().toString());
            out.accept(Reading.of("ldm25_sample_seconds", ldmSampleSeconds(ld, 1), "s"));
            out.accept(Reading.of("ldm25_batch8_seconds_per_image", ldmSampleSeconds(ld, 8) / 8, "s"));
        } else {
            warnings.accept("model " + Demo.LDM + " is not shipped: no text-to-image timing");
        }
        String effectName = Path.of(Demo.EFFECT).getFileName().toString(); // Demo.EFFECT is effects/NAME
        Optional<Path> effect = store.lookupEffect(effectName);
        if (effect.isPresent()) {
            Effect e = store.effect(effect.get().toString());
            var pair = e.pairs().get(0);
            e.apply(pair.before(), 0);
            out.accept(Reading.of("fewshot_edit_seconds", median(config.repeats(), () -> e.apply(pair.before(), 1)), "s"));
        } else {
            warnings.accept("effect " + effectName + " is not shipped: no fewshot timing");
        }
    }

    /** The side-by-side comparison with PyTorch; each model's PyTorch run goes first, alone. */
    private void vsPytorch(Path home, Consumer<String> notices) {
        route();
        PixelDiffusionModel m = store.pixel(config.pixelModel());
        Generator g = Tensors.generator(0);
        int threads = torch.get_num_threads();
        int repeats = config.repeats();
        out.accept(Reading.of("threads", threads, "threads"));
        List<VsPytorch.Result> results = new ArrayList<>();
        results.add(VsPytorch.pixel(home, "ddpm32", store.resolve(config.pixelModel()), m.unet(), threads, repeats, g,
                warnings));
        Optional<Path> ldmDir = store.lookup(Demo.LDM);
        if (ldmDir.isPresent()) {
            LatentDiffusion ld = store.latent(ldmDir.get().toString());
            long tokens = ld.clip().model().config().text().maxPositions();
            results.add(VsPytorch.latent(home, "ldm", ldmDir.get(), ld.unet(), tokens, threads, repeats, g, warnings));
        } else {
            warnings.accept("model " + Demo.LDM + " is not shipped: only the pixel UNet is compared");
        }
        double worstForward = 0;
        double worstTrain = 0;
        double worstDiff = 0;
        for (VsPytorch.Result r : results) {
            notices.accept(VsPytorch.describe(r));
            out.accept(Reading.of("vs_pytorch_" + r.model() + "_forward1_ratio", r.forwardRatio(1), "ratio"));
            out.accept(Reading.of("vs_pytorch_" + r.model() + "_forward16_ratio", r.forwardRatio(16), "ratio"));
            out.accept(Reading.of("vs_pytorch_" + r.model() + "_train16_ratio", r.trainRatio(), "ratio"));
            out.accept(Reading.of("vs_pytorch_" + r.model() + "_max_abs_diff", r.maxAbsDiff(), "abs"));
            worstForward = Math.max(worstForward, Math.max(r.forwardRatio(1), r.forwardRatio(16)));
            worstTrain = Math.max(worstTrain, r.trainRatio());
            worstDiff = Math.max(worstDiff, r.maxAbsDiff());
        }
        out.accept(Reading.of("vs_pytorch_forward_ratio", worstForward, "ratio (worst of the forward lines)"));
        out.accept(Reading.of("vs_pytorch_train_ratio", worstTrain, "ratio (worst of the train lines)"));
        out.accept(Reading.of("vs_pytorch_max_abs_diff", worstDiff, "abs"));
    }

    /** A 25-step DPM-Solver++(2M) text-to-image sample of {@code count} images with classifier-free guidance 5. */
    private double ldmSampleSeconds(LatentDiffusion ld, int count) {
        var states = PromptStates.encode(ld, List.of("red heart"), "", warnings);
        Work sample = () -> LatentPipelines.generate(ld, states, 5.0, count,
                SamplerKind.DPMPP_2M.create(ld.schedule(), 25, 0.0), Tensors.generator(1), LoopHooks.NONE);
        try (NoGradGuard ignored = new NoGradGuard()) {
            sample.run();
            return median(config.repeats(), sample);
        }
    }

    /** Encode (posterior mode) + decode of one 64×64 image by emoji-vae (its structure, if not shipped yet). */
    private double vaeRoundTripSeconds(Generator g) {
        Optional<Path> dir = store.lookup("emoji-vae");
        AutoencoderKL vae = dir.isPresent() ? AutoencoderKL.load(dir.get())
                : new AutoencoderKL(AutoencoderKLConfig.emoji());
        int s = vae.config().sampleSize();
        Tensor x = Tensors.rand(g, 1, 3, s, s);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Work roundTrip = () -> vae.decode(vae.encode(x).mode());
            roundTrip.run();
            return median(config.repeats(), roundTrip);
        }
    }

    /** One 50-step pixelguide edit of a face (the demo's 1f601, its first scripted edit, the size-based defaults). */
    private double pixelguideSeconds(PixelDiffusionModel m) {
        PixelClassifiers pc = store.classifiers(Demo.CLASSIFIERS);
        Path dir;
        try {
            dir = Files.createTempDirectory("retouch-bench");
        } catch (IOException e) {
            throw new RetouchException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        Tensor img;
        try {
            img = ImageTensors.toTensor(Resize.square(Images.read(DemoInputs.extract(dir).get(0)), m.sampleSize()));
        } finally {
            deleteQuietly(dir);
        }
        LabelMap original = pc.segment(m, img, 0);
        var edit = ScriptedEdits.forMap(original).get(0);
        LabelMap target = MapEdit.apply(original, edit.ops());
        var o = PixelGuide.defaults(Roi.of(original, target), null, null, true, PixelGuide.Sampler.DDIM, 0);
        return median(config.repeats(), () -> PixelGuide.edit(m, pc, img, original, target, o, null));
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private double gemmGflops(Generator g) {
        Tensor a = Tensors.randn(g, 2048, 2048);
        Tensor b = Tensors.randn(g, 2048, 2048);
        a.matmul(b); // warm-up
        double s = median(config.repeats(), () -> a.matmul(b));
        return 2.0 * 2048 * 2048 * 2048 / s / 1e9;
    }

    private double unetGflops(UNet2DModel unet, Generator g) {
        int s = unet.config().sampleSize();
        Tensor x = Tensors.randn(g, 16, unet.config().inChannels(), s, s);
        Tensor t = PixelPipelines.timestepTensor(500, 16);
        try (NoGradGuard ignored = new NoGradGuard()) {
            unet.forward(x, t);
            double secs = median(config.repeats(), () -> unet.forward(x, t));
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
        return median(config.repeats(), step);
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
