package dev.retouch.cli;

import picocli.CommandLine.Option;

/** The options every latent-model sampling command shares (generate, img2img, diffedit). */
final class LatentSamplingOptions {
    @Option(names = "--model", defaultValue = "emoji-ldm",
            description = "Latent diffusion model name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--steps", defaultValue = "50", description = "Sampling steps of a full run; img2img and "
            + "diffedit run the last part of them (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance scale g ≥ 0; 1 = the "
            + "conditional model alone, 0 = the negative or unconditional branch alone (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;
}
