package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;

/** {@code retouch sample}: unconditional samples from a pixel-space model. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw samples from an unconditional pixel-space model and save them as one PNG grid.",
        footer = {"", "Examples:",
                "  bin/retouch sample --model emoji-ddpm-32 --steps 50 --seed 1 --count 16 --out samples.png",
                "  bin/retouch sample --sampler dpmpp-2m --steps 25 --count 16 --out samples.png"})
final class SampleCommand implements Runnable {
    /** Parses {@code --sampler} through {@link SamplerKind#parse}, so picocli reports its message. */
    static final class SamplerName implements ITypeConverter<SamplerKind> {
        @Override
        public SamplerKind convert(String value) {
            try {
                return SamplerKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Option(names = "--steps", defaultValue = "50", description = "Sampling steps (default: ${DEFAULT-VALUE}); the "
            + "*-karras samplers may run a few fewer when several of their noise levels round to one timestep.")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--count", defaultValue = "1", description = "Number of images, 1–256 (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--sampler", defaultValue = "ddim", converter = SamplerName.class,
            description = "ddim, ddpm, euler-karras (Euler over Karras noise levels), dpmpp-2m (DPM-Solver++(2M)), "
                    + "dpmpp-2m-karras, unipc (UniPC, order 2) or unipc-karras (default: ${DEFAULT-VALUE}).")
    SamplerKind sampler;

    @Option(names = "--eta", defaultValue = "0", description = "DDIM η: 0 deterministic, 1 DDPM-like; ddim only "
            + "(default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--out", required = true, description = "Output PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        CliSupport.requireRange("--count", count, 1, 256);
        CliSupport.requireRange("--eta", eta, 0, 10);
        if (eta != 0 && sampler != SamplerKind.DDIM) {
            throw new CliSupport.UsageError("--eta applies to --sampler ddim only, got --eta " + CliSupport.num(eta)
                    + " with --sampler " + sampler.id());
        }
        PixelDiffusionModel m = pixelModel.load();
        int T = m.schedule().numTrainTimesteps();
        CliSupport.requireRange("--steps", steps, 1, T);
        Scheduler s = sampler.create(m.schedule(), steps, eta);
        long t0 = System.nanoTime();
        Tensor x = PixelPipelines.sample(m, s, count, Tensors.generator(seed),
                LoopHooks.progress(Progress.stderr("sample", s.timesteps().length)));
        double secs = CliSupport.seconds(t0);
        ImageOutput.of("sample", out).param("model", pixelModel.name).param("sampler", sampler.id())
                .param("steps", steps).param("eta", eta).param("seed", seed).param("count", count)
                .write(CliSupport.sheet(x)).print(common, secs);
    }
}
