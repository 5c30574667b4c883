package dev.retouch.cli;

import picocli.CommandLine.Command;

/** {@code retouch train …}: training subcommands. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.",
        subcommands = {TrainDdpmCommand.class, TrainPixelguideCommand.class, TrainVaeCommand.class},
        footer = {"", "Example:", "  bin/retouch train ddpm --steps 20000 --out runs/ddpm --resume"})
final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose what to train, e.g. 'ddpm'");
    }
}
