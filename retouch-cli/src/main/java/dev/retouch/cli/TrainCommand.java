package dev.retouch.cli;

import picocli.CommandLine.Command;

/** {@code retouch train …}: training subcommands. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.",
        subcommands = {TrainDdpmCommand.class, TrainPixelguideCommand.class, TrainTokenizerCommand.class, TrainClipCommand.class,
                TrainVaeCommand.class, TrainLdmCommand.class, TrainFewshotCommand.class, TrainJudgeCommand.class,
                TrainRectifierCommand.class, TrainRectifierEditCommand.class, TrainPortraitCommand.class},
        footer = {"", "Examples:", "  bin/retouch train ddpm --steps 20000 --out runs/ddpm --resume",
                "  bin/retouch train tokenizer --out runs/tokenizer --vocab-size 1024",
                "  bin/retouch train fewshot --pairs pairs/dark-20 --out effects/dark"})
final class TrainCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose what to train, e.g. 'ddpm'");
    }
}
