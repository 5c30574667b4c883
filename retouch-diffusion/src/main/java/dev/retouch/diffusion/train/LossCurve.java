package dev.retouch.diffusion.train;

import dev.retouch.core.RetouchException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads a run's {@code loss.csv} and summarises it for a model card: mean loss over windows of the run. */
public final class LossCurve {
    private LossCurve() {
    }

    /** Losses in step order (index 0 = step 1). */
    public static double[] read(Path csv) {
        try {
            List<String> lines = Files.readAllLines(csv);
            double[] out = new double[Math.max(0, lines.size() - 1)];
            int n = 0;
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    out[n++] = Double.parseDouble(line.split(",")[1]);
                }
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (IOException | RuntimeException e) {
            throw new RetouchException("cannot read loss curve " + csv + ": " + e.getMessage(), e);
        }
    }

    /** A markdown table of the mean loss over {@code windows} equal windows of the run. */
    public static String markdown(double[] loss, int windows) {
        List<String> rows = new ArrayList<>();
        rows.add("| steps | mean loss |");
        rows.add("|---|---|");
        int w = Math.max(1, loss.length / windows);
        for (int from = 0; from < loss.length; from += w) {
            int to = Math.min(loss.length, from + w);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += loss[i];
            }
            rows.add(String.format(Locale.ROOT, "| %d–%d | %.4f |", from + 1, to, sum / (to - from)));
        }
        return String.join("\n", rows) + "\n";
    }

    /** The mean of the last {@code n} losses (all of them when fewer), NaN when there are none: the cards' summary. */
    public static double lastMean(double[] loss, int n) {
        return java.util.Arrays.stream(loss, Math.max(0, loss.length - n), loss.length).average().orElse(Double.NaN);
    }
}
