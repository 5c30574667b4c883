package dev.retouch.eval.samples;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.report.Reports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How close each deterministic sampler gets, at {@code steps} steps, to a long DDIM run from the same noise: RMSE
 * and PSNR of the samples (DDPM is left out: stochastic, not a solver of the ODE). Writes {@code report.json}.
 */
public final class SamplersBenchmark {
    private SamplersBenchmark() {
    }

    /** @param reference DDIM steps of the reference run; @param count images in [1, 256] */
    public record Config(String model, int steps, int reference, int count, long seed) {
        public Config {
            if (count < 1 || count > 256) {
                throw new RetouchException("count must be in [1, 256], got " + count);
            }
        }
    }

    /** One sampler's distance to the reference. */
    public record Row(SamplerKind sampler, int steps, double rmse, double psnr, double seconds) {
        Map<String, Object> fields() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("sampler", sampler.id());
            r.put("steps", steps);
            r.put("rmse", rmse);
            r.put("psnr", psnr);
            r.put("seconds", seconds);
            return r;
        }
    }

    public record Result(Config config, List<Row> rows) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("count", config.count());
            f.put("seed", config.seed());
            f.put("reference", "ddim-" + config.reference());
            f.put("results", rows.stream().map(Row::fields).toList());
            return f;
        }
    }

    /**
     * Runs the benchmark and writes {@code report.json} into {@code out}; {@code progress} gives a listener for each
     * run by its label (e.g. "dpmpp-2m 25").
     */
    public static Result run(ModelStore store, Config c, Path out, Function<String, StepListener> progress) {
        PixelDiffusionModel m = store.pixel(c.model());
        int T = m.schedule().numTrainTimesteps();
        if (c.steps() < 1 || c.steps() > T || c.reference() < 1 || c.reference() > T) {
            throw new RetouchException("steps and reference must be in [1, " + T + "], got " + c.steps() + " and "
                    + c.reference());
        }
        Reports.directory(out);
        float[] ref = sample(m, c, SamplerKind.DDIM, c.reference(), progress);
        List<Row> rows = new ArrayList<>();
        for (SamplerKind kind : SamplerKind.values()) {
            if (kind == SamplerKind.DDPM) {
                continue;
            }
            long t0 = System.nanoTime();
            double rmse = Math.sqrt(Metrics.mse(ref, sample(m, c, kind, c.steps(), progress)));
            rows.add(new Row(kind, c.steps(), rmse, 20 * Math.log10(2 / rmse), (System.nanoTime() - t0) / 1e9));
        }
        Result r = new Result(c, List.copyOf(rows));
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(r.fields()));
        return r;
    }

    private static float[] sample(PixelDiffusionModel m, Config c, SamplerKind kind, int n,
                                  Function<String, StepListener> progress) {
        var scheduler = kind.create(m.schedule(), n, 0.0);
        return Tensors.toFloats(PixelPipelines.sample(m, scheduler, c.count(), Tensors.generator(c.seed()),
                LoopHooks.progress(progress.apply(kind.id() + " " + n))));
    }
}
