package dev.retouch.cli;

import dev.retouch.eval.demo.Demo;

import dev.retouch.edit.pixelguide.PixelClassifiers;
import picocli.CommandLine.Option;

/** The {@code --classifiers} option of the pixelguide commands. */
final class ClassifiersOption {
    @Option(names = "--classifiers", defaultValue = Demo.CLASSIFIERS,
            description = "Shipped pixelguide classifiers name or directory (default: ${DEFAULT-VALUE}).")
    String name;

    PixelClassifiers load() {
        return PixelClassifiers.load(Models.resolve(name));
    }
}
