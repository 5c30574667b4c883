package dev.retouch.diffusion.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts every trained model's {@code MODEL_CARD.md} shares: the command that reproduces the run, the run's
 * steps, time and optimiser, and its loss curve. A training command writes its own description around them.
 */
public final class TrainingCard {
    /** Width of a wrapped command line in a card, indentation included. */
    static final int WIDTH = 112;

    private TrainingCard() {
    }

    /**
     * "Command (reproduces …):" and the command as an indented Markdown code block, wrapped before options (an option
     * stays on one line with its value) with shell continuations ({@code \}) so that it can be pasted as it is.
     *
     * @param commandLine the whole command on one line, e.g. {@code bin/retouch train ddpm --steps 5000 --out runs/x}
     */
    public static String command(String commandLine) {
        List<String> words = List.of(commandLine.strip().split(" +(?=--)"));
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder("    ");
        for (String w : words) {
            if (line.length() > 4 && line.length() + 1 + w.length() + 2 > WIDTH) {
                lines.add(line + " \\");
                line = new StringBuilder("        ");
            } else if (line.length() > 4 && !line.toString().endsWith(" ")) {
                line.append(' ');
            }
            line.append(w);
        }
        lines.add(line.toString());
        return "Command (reproduces this run with the same seed on the same machine):\n\n" + String.join("\n", lines)
                + "\n";
    }

    /**
     * "Steps: …; wall time …, batch, AdamW lr with warm-up, weight decay (when on), gradient clipping (when on). Mean
     * of the last 100 losses: …".
     */
    public static String run(Trainer.Result r, TrainConfig tc, double seconds, double[] loss) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "Steps: %d; wall time: %.0f s (%s) on this machine, batch %d, AdamW lr %s with %d warm-up steps",
                r.steps(), seconds, seconds >= 3600 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
                        : String.format(Locale.ROOT, "%.1f min", seconds / 60), tc.batchSize(),
                num(tc.learningRate()), tc.warmupSteps()));
        if (tc.weightDecay() > 0) {
            s.append(String.format(Locale.ROOT, ", weight decay %s", num(tc.weightDecay())));
        }
        if (tc.gradClip() > 0) {
            s.append(String.format(Locale.ROOT, ", gradient clipping at %.1f", tc.gradClip()));
        }
        s.append(String.format(Locale.ROOT, ". Mean of the last 100 losses: %.4f.%n", LossCurve.lastMean(loss, 100)));
        return s.toString();
    }

    /** "Loss curve (mean {@code what} per window, from `loss.csv`):" and the curve in 10 windows. */
    public static String lossCurve(String what, double[] loss) {
        return "Loss curve (mean " + what + " per window, from `loss.csv`):\n\n" + LossCurve.markdown(loss, 10) + "\n";
    }

    /** The value as Java prints it, whole numbers without ".0" (5 as "5", 3.0E-4 as "3.0E-4"). */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
