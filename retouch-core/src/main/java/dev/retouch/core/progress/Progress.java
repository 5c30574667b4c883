package dev.retouch.core.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar for long work: step/total, an optional metric (e.g. loss), it/s and ETA. On a terminal it
 * redraws one line at most every 200 ms; otherwise (logs, CI) it prints a plain line at most every 10 %, or every
 * {@code logSeconds}. Not thread-safe: one per run.
 */
public final class Progress implements StepListener {
    private final String label;
    private long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private long lastLoggedTenth = -1;
    private long done;
    private final long startStep;

    public Progress(String label, long total, PrintStream out, boolean terminal, long startStep) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.startStep = startStep;
        this.done = startStep;
    }

    /** A bar on stderr, redrawn in place when a console is attached; total ≤ 0 takes the total the run reports. */
    public static Progress stderr(String label, long total) {
        return new Progress(label, total, System.err, System.console() != null, 0);
    }

    /** A bar that does not print (for library use and tests). */
    public static StepListener silent() {
        return (step, total, metric) -> true;
    }

    @Override
    public boolean onStep(long step, long totalSteps, double metric) {
        if (total <= 0) {
            total = totalSteps;
        }
        done = step;
        long now = System.nanoTime();
        boolean last = step >= total;
        if (terminal) {
            if (last || now - lastDraw > 200_000_000L) {
                lastDraw = now;
                out.print("\r" + line(metric) + (last ? "\n" : ""));
                out.flush();
            }
        } else {
            long tenth = total == 0 ? 10 : step * 10 / total;
            if (tenth != lastLoggedTenth || last) {
                lastLoggedTenth = tenth;
                out.println(line(metric));
            }
        }
        return true;
    }

    /** The rendered line, e.g. {@code sample [#####     ] 25/50 12.3 it/s ETA 0:02}. */
    String line(double metric) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = secs > 0 ? (done - startStep) / secs : 0;
        long remaining = rate > 0 ? (long) ((total - done) / rate) : -1;
        int width = 24;
        int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
        String bar = "#".repeat(filled) + " ".repeat(width - filled);
        String m = Double.isNaN(metric) ? "" : String.format(Locale.ROOT, " loss %.5f", metric);
        return String.format(Locale.ROOT, "%s [%s] %d/%d%s %.2f it/s ETA %s", label, bar, done, total, m, rate,
                remaining < 0 ? "?" : formatDuration(remaining));
    }

    public static String formatDuration(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
