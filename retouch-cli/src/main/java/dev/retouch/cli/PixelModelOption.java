package dev.retouch.cli;

import dev.retouch.diffusion.model.PixelDiffusionModel;
import picocli.CommandLine.Option;

/** The {@code --model} option of every command that runs the pixel-space diffusion model. */
final class PixelModelOption {
    @Option(names = "--model", defaultValue = "emoji-ddpm-32",
            description = "Shipped pixel-model name or model directory (default: ${DEFAULT-VALUE}).")
    String name;

    PixelDiffusionModel load() {
        return CliSupport.pixelModel(name);
    }
}
