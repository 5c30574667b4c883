package dev.retouch.cli;

import dev.retouch.eval.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch demo}: runs every method that exists on the shipped models and writes an HTML report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every available method on the embedded models and write DIR/index.html with before/after "
                + "images, parameters and timings.",
        footer = {"", "Example:", "  bin/retouch demo --out out/demo   # then open out/demo/index.html"})
final class DemoCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--out", defaultValue = "out/demo", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Fewer images and steps (for tests).")
    boolean quick;

    @Override
    public void run() {
        common.apply();
        Demo.Result r = Demo.run(Models.store(), out, seed, quick, common.threads, System.err::println);
        var res = new java.util.LinkedHashMap<String, Object>();
        res.put("report", r.report().toString());
        res.put("seconds", r.seconds());
        CliSupport.print(common, res);
    }
}
