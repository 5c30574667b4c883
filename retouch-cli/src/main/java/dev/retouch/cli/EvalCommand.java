package dev.retouch.cli;

import picocli.CommandLine.Command;

/** {@code retouch eval …}: fixed, seeded benchmarks that write report.json and index.html. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Run a fixed, seeded benchmark.",
        subcommands = {EvalReconstructionCommand.class, EvalPixelguideCommand.class, EvalVaeCommand.class,
                EvalSamplersCommand.class, EvalClipCommand.class, EvalLdmCommand.class, EvalFewshotCommand.class,
                EvalSineCommand.class, EvalJudgeCommand.class, EvalSamplesCommand.class, EvalSdeditCommand.class,
                EvalRectifierCommand.class, EvalPortraitCommand.class},
        footer = {"", "Example:", "  bin/retouch eval reconstruction --model emoji-ddpm-32 --steps 50,200 --out out/eval-recon"})
final class EvalCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a benchmark, e.g. 'reconstruction'");
    }
}
