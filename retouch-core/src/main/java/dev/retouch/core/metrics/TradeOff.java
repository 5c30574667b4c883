package dev.retouch.core.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where an editing method sits against a baseline on a fidelity/alignment plane (both "higher is better"). A
 * baseline is one point, or a curve: the same method at several settings of one knob (e.g. SDEdit at two
 * strengths), joined by straight segments in order of fidelity.
 *
 * <p>Inside the curve's fidelity range the method is compared with the curve's alignment at the method's own
 * fidelity (linear interpolation between the neighbouring settings: an assumption about the settings not run).
 * Outside that range, or against a single point, it is compared by dominance with the nearest setting: better when
 * it is at least as good on both axes and strictly better on one, worse in the opposite case, and a trade otherwise.
 */
public final class TradeOff {
    private TradeOff() {
    }

    /** One (fidelity, alignment) measurement. */
    public record Point(double fidelity, double alignment) {
        public Point {
            if (!Double.isFinite(fidelity) || !Double.isFinite(alignment)) {
                throw new IllegalArgumentException("TradeOff.Point: non-finite value (" + fidelity + ", " + alignment + ")");
            }
        }
    }

    /** The method against the baseline. */
    public enum Verdict {
        /** above the baseline's curve, or dominating its nearest setting */
        BETTER,
        /** below the curve, or dominated by its nearest setting */
        WORSE,
        /** more of one and less of the other than the nearest setting, or exactly on the curve */
        TRADE;

        /** Lower-case name for reports. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code method} against {@code baseline} (one or more settings of one baseline). */
    public static Verdict compare(Point method, List<Point> baseline) {
        if (baseline.isEmpty()) {
            throw new IllegalArgumentException("TradeOff.compare: empty baseline");
        }
        List<Point> curve = new ArrayList<>(baseline);
        curve.sort(Comparator.comparingDouble(Point::fidelity));
        Point lo = curve.get(0);
        Point hi = curve.get(curve.size() - 1);
        double f = method.fidelity();
        if (curve.size() > 1 && f >= lo.fidelity() && f <= hi.fidelity()) {
            double a = alignmentAt(curve, f);
            return method.alignment() > a ? Verdict.BETTER : method.alignment() < a ? Verdict.WORSE : Verdict.TRADE;
        }
        return dominance(method, f < lo.fidelity() ? lo : hi);
    }

    /** The curve's alignment at fidelity f (within its range), linearly between the neighbouring settings. */
    static double alignmentAt(List<Point> sorted, double f) {
        for (int i = 1; i < sorted.size(); i++) {
            Point a = sorted.get(i - 1);
            Point b = sorted.get(i);
            if (f <= b.fidelity()) {
                double span = b.fidelity() - a.fidelity();
                return span == 0 ? Math.max(a.alignment(), b.alignment())
                        : a.alignment() + (f - a.fidelity()) / span * (b.alignment() - a.alignment());
            }
        }
        return sorted.get(sorted.size() - 1).alignment();
    }

    private static Verdict dominance(Point m, Point b) {
        boolean geq = m.fidelity() >= b.fidelity() && m.alignment() >= b.alignment();
        boolean leq = m.fidelity() <= b.fidelity() && m.alignment() <= b.alignment();
        boolean equal = m.equals(b);
        if (geq && !equal) {
            return Verdict.BETTER;
        }
        if (leq && !equal) {
            return Verdict.WORSE;
        }
        return Verdict.TRADE;
    }
}
