package dev.retouch.cli;

import picocli.CommandLine.Command;

/** {@code retouch edit …}: the editing methods. */
@Command(name = "edit", mixinStandardHelpOptions = true, description = "Edit an image with one of the methods.",
        subcommands = {EditPixelCommand.class, EditFewshotCommand.class, EditSineCommand.class,
                EditRectifierCommand.class, EditPortraitCommand.class},
        footer = {"", "Examples:", "  bin/retouch edit pixel --image face.png --op \"replace mouth face\" --seed 1 --out closed.png",
                "  bin/retouch edit fewshot --effect skin-tone-5 --image 1f44b.png --seed 1 --out dark.png"})
final class EditCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a method, e.g. 'pixel'");
    }
}
