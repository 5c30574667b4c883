package dev.retouch.core.engine;

import dev.retouch.core.RetouchException;
import org.bytedeco.pytorch.global.torch;

/**
 * The number of intra-op compute threads libtorch uses in this process, set once by the library itself so that a
 * library user gets the measured default without a launcher: the first {@link dev.retouch.core.nn.Module} built
 * (every model is one) applies {@link #defaultCount}, unless {@link #set} was called first.
 *
 * <p>Why not libtorch's own default (all cores): on the 2-vCPU AMD EPYC the shipped models are developed on, one
 * thread is faster than two for every pipeline measured (docs/EVALUATION.md, issue 14), and with one thread per
 * process several processes on the machine (a build beside a training run) share it without OpenMP workers
 * spinning against each other. Machines with more cores keep all of them. libgomp reads {@code OMP_WAIT_POLICY}
 * only at process start, so passive waiting for multi-threaded runs is the launcher's job ({@code bin/retouch}
 * sets it; {@code retouch doctor} reports when it is missing).
 */
public final class Threads {
    /** Environment variable overriding the default count. */
    public static final String ENV = "RETOUCH_THREADS";

    private static volatile int current;

    private Threads() {
    }

    /**
     * The default thread count: {@code env} (the value of {@value #ENV}) when present, else 1 on machines with 2 or
     * fewer cores, else {@code cores}. Returns 0 for a value that is not a positive whole number ({@link #set}
     * refuses it with a message naming the variable).
     */
    public static int defaultCount(String env, int cores) {
        if (env != null && !env.isBlank()) {
            try {
                return Math.max(0, Integer.parseInt(env.strip()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return cores <= 2 ? 1 : cores;
    }

    /** This process's default: {@link #defaultCount} of the environment and the available processors. */
    public static int defaultCount() {
        return defaultCount(System.getenv(ENV), Runtime.getRuntime().availableProcessors());
    }

    /** Sets libtorch's intra-op thread count for this process; refuses a count below 1 with one clear message. */
    public static synchronized void set(int threads) {
        if (threads < 1) {
            String env = System.getenv(ENV);
            throw new RetouchException(threads + " is not a positive whole number of threads"
                    + (env != null && !env.isBlank() ? " (" + ENV + "=" + env + ")" : ""));
        }
        torch.set_num_threads(threads);
        // libtorch's matrix products run on OpenBLAS, whose own thread pool (one per core, started when the library
        // loads) is not governed by set_num_threads and spins while idle: one vCPU burnt per process, and two
        // processes on 2 cores each ran 3× slower instead of sharing (docs/EVALUATION.md, issue 14).
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
        current = threads;
    }

    /** The count set by {@link #set} or the default, applying the default first if neither happened yet. */
    public static int ensureConfigured() {
        int n = current;
        if (n == 0) {
            synchronized (Threads.class) {
                if (current == 0) {
                    set(defaultCount());
                }
                n = current;
            }
        }
        return n;
    }
}
