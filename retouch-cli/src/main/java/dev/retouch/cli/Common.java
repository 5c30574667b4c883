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

    @Option(names = "--threads", description = "Compute threads (default: $RETOUCH_THREADS, else 1 on machines with "
            + "2 or fewer cores, else all cores).")
    int threads = defaultThreads(System.getenv("RETOUCH_THREADS"), Runtime.getRuntime().availableProcessors());

    /**
     * The default compute threads. On the 2-vCPU AMD EPYC the shipped models are developed on, one thread is faster
     * than two for every pipeline measured (bench, alternating runs: training 50.6–55.7 vs 43.6 images/s,
     * pixelguide edit 1.65–1.77 vs 2.12 s, 25-step text-to-image 0.47–0.49 vs 0.56 s; the matrix product alone
     * gains 6 %): waking the second thread for each of a network's many small operations costs more than it brings
     * (docs/EVALUATION.md, issue 14). Machines with more cores keep all of them (not measured here).
     */
    static int defaultThreads(String env, int cores) {
        if (env != null && !env.isBlank()) {
            try {
                return Math.max(0, Integer.parseInt(env.strip())); // 0: invalid, reported by apply()
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return cores <= 2 ? 1 : cores;
    }

    /**
     * Applies the thread setting; call at the start of each command. With --debug, runs (or reads) the engine
     * self-check now and prints the convolution route in force on stderr (otherwise it runs before the first
     * convolution, and commands without one never pay for it).
     */
    void apply() {
        if (threads < 1) {
            throw new dev.retouch.core.RetouchException("--threads " + threads + " or RETOUCH_THREADS="
                    + System.getenv("RETOUCH_THREADS") + " is not a positive whole number of threads");
        }
        torch.set_num_threads(threads);
        if (debug) {
            Engine.Verdict v = Engine.verdict();
            System.err.println("engine: " + v.onednn() + "; convolution route " + v.summary()
                    + (v.cached() ? " (cached self-check)" : " (self-check ran now)"));
        }
    }
}
