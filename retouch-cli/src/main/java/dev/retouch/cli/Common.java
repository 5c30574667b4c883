package dev.retouch.cli;

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

    /** Applies the thread setting; call at the start of each command. */
    void apply() {
        torch.set_num_threads(Math.max(1, threads));
    }
}
