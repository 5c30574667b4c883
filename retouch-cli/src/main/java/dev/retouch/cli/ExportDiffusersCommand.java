package dev.retouch.cli;

import dev.retouch.diffusion.diffusers.DiffusersExport;
import dev.retouch.diffusion.model.LatentDiffusion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch export-diffusers}: a latent model written as a Stable Diffusion pipeline in diffusers' layout. */
@Command(name = "export-diffusers", mixinStandardHelpOptions = true,
        description = "Write a text-to-image latent model (e.g. emoji-ldm with its autoencoder and text encoder) as "
                + "a Stable Diffusion pipeline directory in diffusers' layout, which every --model option here (and "
                + "diffusers' StableDiffusionPipeline.from_pretrained) loads. The directory is written whole or not "
                + "at all.",
        footer = {"", "Example:", "  bin/retouch export-diffusers --model emoji-ldm --out out/emoji-ldm-diffusers",
                "  bin/retouch generate --model out/emoji-ldm-diffusers --prompt \"red heart\" --out heart.png"})
final class ExportDiffusersCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ldm",
            description = "Latent model name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new pipeline directory.")
    Path out;

    @Option(names = "--fp16", description = "Store the weights in fp16 (half the size).")
    boolean fp16;

    @Override
    public void run() {
        common.apply();
        if (java.nio.file.Files.exists(out)) {
            throw new dev.retouch.core.RetouchException(out + " exists; export-diffusers writes a new directory");
        }
        CliSupport.checkModelOutput(out); // its parent must exist
        long t0 = System.nanoTime();
        LatentDiffusion ld = Models.store().latent(model);
        DiffusersExport.save(ld, out, fp16);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("out", out.toString());
        row.put("model", model);
        row.put("dtype", fp16 ? "fp16" : "fp32");
        row.put("seconds", CliSupport.seconds(t0));
        CliSupport.print(common, row);
    }
}
