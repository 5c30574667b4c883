package dev.retouch.cli;

import dev.retouch.core.engine.Engine;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class Common {
    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Option(names = "--debug", description = "Show stack traces on errors.")
    boolean debug;

    @Option(names = "--threads", description = "Compute threads (default: available cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    /**
     * Applies the thread setting; call at the start of each command. With --debug, runs (or reads) the engine
     * self-check now and prints the convolution route in force on stderr (otherwise it runs before the first
     * convolution, and commands without one never pay for it).
     */
    void apply() {
        torch.set_num_threads(Math.max(1, threads));
        if (debug) {
            Engine.Verdict v = Engine.verdict();
            System.err.println("engine: " + v.onednn() + "; convolution route " + v.summary()
                    + (v.cached() ? " (cached self-check)" : " (self-check ran now)"));
        }
    }
}
