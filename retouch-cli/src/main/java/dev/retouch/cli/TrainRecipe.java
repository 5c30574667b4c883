package dev.retouch.cli;

import dev.retouch.diffusion.schedule.PredictionType;
import picocli.CommandLine.Option;

/** The diffusion-training recipe options {@code train ddpm} and {@code train ldm} share. */
final class TrainRecipe {
    @Option(names = "--prediction", defaultValue = "EPSILON",
            description = "Network target: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PredictionType prediction;

    @Option(names = "--min-snr-gamma", defaultValue = "0",
            description = "Min-SNR-γ loss weighting (Hang et al. 2023); 0 = plain MSE (default: ${DEFAULT-VALUE}).")
    double minSnrGamma;

    @Option(names = "--warmup", defaultValue = "500", description = "Linear learning-rate warm-up steps "
            + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    /** Checks the values; call before any work. */
    void validate() {
        CliSupport.requireRange("--min-snr-gamma", minSnrGamma, 0, 1e6);
        CliSupport.requireRange("--warmup", warmup, 0, Integer.MAX_VALUE);
    }

    /** The options that differ from the defaults, as command-line text for a model card. */
    String changed() {
        return (prediction != PredictionType.EPSILON ? " --prediction " + prediction : "")
                + (minSnrGamma != 0 ? " --min-snr-gamma " + minSnrGamma : "") + (warmup != 500 ? " --warmup " + warmup : "");
    }
}
