package dev.retouch.cli;

import dev.retouch.core.engine.Engine;
import dev.retouch.core.engine.Threads;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class Common {
    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Option(names = "--debug", description = "Show stack traces on errors.")
    boolean debug;

    @Option(names = "--threads", description = "Compute threads (default: $RETOUCH_THREADS, else 1 on machines with "
            + "2 or fewer cores, else all cores).")
    int threads = Threads.defaultCount(); // measured: docs/EVALUATION.md, issue 14

    /**
     * Applies the thread setting; call at the start of each command. With --debug, runs (or reads) the engine
     * self-check now and prints the convolution route in force on stderr (otherwise it runs before the first
     * convolution, and commands without one never pay for it).
     */
    void apply() {
        Threads.set(threads);
        if (debug) {
            Engine.Verdict v = Engine.verdict();
            System.err.println("engine: " + v.onednn() + "; convolution route " + v.summary()
                    + (v.cached() ? " (cached self-check)" : " (self-check ran now)"));
        }
    }
}
