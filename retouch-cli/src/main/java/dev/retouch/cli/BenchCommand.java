package dev.retouch.cli;

import dev.retouch.core.io.Json;
import dev.retouch.eval.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code retouch bench}: component and whole-pipeline timings on this machine ({@link Bench}), one line per reading.
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

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--repeats", repeats, 1, 1000);
        var config = new Bench.Config(pixelModel.name, repeats);
        if (vsPytorch) {
            Bench.vsPytorch(Models.store(), config, Models.shippedRoot().getParent(), this::emit, CliSupport::warn,
                    System.err::println);
        } else {
            Bench.run(Models.store(), config, this::emit, CliSupport::warn);
        }
    }

    private void emit(Bench.Reading r) {
        if (common.json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", r.name());
            line.put("value", r.text() != null ? r.text() : r.value());
            if (r.text() == null) {
                line.put("unit", r.unit());
            }
            System.out.println(Json.toJson(line).replaceAll("\\s*\\n\\s*", " ").trim());
        } else if (r.text() != null) {
            System.out.printf(Locale.ROOT, "%-34s %10s%n", r.name(), r.text());
        } else {
            double value = r.value();
            String v = value != 0 && Math.abs(value) < 1e-3 ? String.format(Locale.ROOT, "%10.3e", value)
                    : String.format(Locale.ROOT, "%10.4f", value);
            System.out.printf(Locale.ROOT, "%-34s %s %s%n", r.name(), v, r.unit());
        }
        System.out.flush();
    }
}
