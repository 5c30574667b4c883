package dev.retouch.cli;

import dev.retouch.data.emoji.EmojiCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code retouch data …}: fetch the emoji set, face labels, skin-tone pair folders. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Manage datasets.",
        subcommands = {DataCommand.Fetch.class, FaceLabelsCommand.class, SkinTonePairsCommand.class, PortraitPairsCommand.class},
        footer = {"", "Examples:", "  bin/retouch data fetch",
                "  bin/retouch data skin-tone-pairs --tone 5 --split train --limit 20 --out pairs/dark-20"})
final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a data command, e.g. 'fetch'");
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Fetch the Noto emoji package (emoji-datasource-google@16.0.0) with npm into the cache "
                    + "(-Dretouch.cache, $RETOUCH_CACHE or ~/.cache/retouch). Does nothing when it is present.",
            footer = {"", "Example:", "  RETOUCH_CACHE=/tmp/cache bin/retouch data fetch"})
    static final class Fetch implements Runnable {
        @Mixin
        Common common;

        @Override
        public void run() {
            java.nio.file.Path p = EmojiCache.fromEnvironment().ensure();
            System.out.println(common.json ? dev.retouch.core.io.Json.toJson(java.util.Map.of("path", p.toString())) : p);
        }
    }
}
