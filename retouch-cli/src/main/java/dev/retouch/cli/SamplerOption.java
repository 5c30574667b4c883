package dev.retouch.cli;

import dev.retouch.diffusion.schedule.SamplerKind;
import picocli.CommandLine.Option;

/** {@code --sampler} of the latent sampling commands (generate, img2img, edit sine). */
final class SamplerOption {
    @Option(names = "--sampler", defaultValue = "ddim", converter = SampleCommand.SamplerName.class,
            description = "ddim, ddpm, euler-karras, dpmpp-2m, dpmpp-2m-karras, unipc or unipc-karras (default: ${DEFAULT-VALUE}).")
    SamplerKind kind;
}
