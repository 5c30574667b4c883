package dev.retouch.cli;

import picocli.CommandLine.Command;

/** {@code retouch finetune …}: fine-tune a pretrained model on the user's data (one image for sine). */
@Command(name = "finetune", mixinStandardHelpOptions = true, description = "Fine-tune a pretrained model for a method.",
        subcommands = {FinetuneSineCommand.class},
        footer = {"", "Example:", "  bin/retouch finetune sine --image smile.png --class face --out out/sine-smile"})
final class FinetuneCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a method, e.g. 'sine'");
    }
}
