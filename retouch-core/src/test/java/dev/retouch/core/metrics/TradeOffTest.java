package dev.retouch.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.metrics.TradeOff.Point;
import dev.retouch.core.metrics.TradeOff.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class TradeOffTest {
    /** SDEdit at strengths 0.8 and 0.5 from the first SINE evaluation (image similarity, text score), given unsorted. */
    private static final List<Point> SDEDIT = List.of(new Point(0.607, 0.473), new Point(0.393, 0.630));

    @Test
    void insideTheCurvesRangeTheInterpolatedAlignmentDecides() {
        // at fidelity 0.428 the segment gives 0.630 − (0.035 / 0.214)·0.157 = 0.6043: 0.512 is below it
        assertEquals(0.6043, TradeOff.alignmentAt(List.of(SDEDIT.get(1), SDEDIT.get(0)), 0.428), 5e-5);
        assertEquals(Verdict.WORSE, TradeOff.compare(new Point(0.428, 0.512), SDEDIT));
        // at 0.596: 0.630 − (0.203 / 0.214)·0.157 = 0.4811, so 0.545 is above: better although it dominates neither end
        assertEquals(Verdict.BETTER, TradeOff.compare(new Point(0.596, 0.545), SDEDIT));
        // exactly on a segment (dyadic values, exact in binary): (0.25, 0.75)–(0.75, 0.25) passes through (0.5, 0.5)
        assertEquals(Verdict.TRADE, TradeOff.compare(new Point(0.5, 0.5),
                List.of(new Point(0.25, 0.75), new Point(0.75, 0.25))));
        assertEquals(Verdict.BETTER, TradeOff.compare(new Point(0.393, 0.631), SDEDIT), "end points are inside");
    }

    @Test
    void outsideTheRangeTheNearestSettingIsComparedByDominance() {
        assertEquals(Verdict.BETTER, TradeOff.compare(new Point(0.70, 0.48), SDEDIT));
        assertEquals(Verdict.TRADE, TradeOff.compare(new Point(0.70, 0.40), SDEDIT), "more faithful, less aligned");
        assertEquals(Verdict.WORSE, TradeOff.compare(new Point(0.30, 0.60), SDEDIT));
        assertEquals(Verdict.TRADE, TradeOff.compare(new Point(0.30, 0.70), SDEDIT), "less faithful, more aligned");
    }

    @Test
    void aSinglePointIsComparedByDominance() {
        Point pretrained = new Point(0.323, 0.600);
        assertEquals(Verdict.TRADE, TradeOff.compare(new Point(0.428, 0.512), List.of(pretrained)));
        assertEquals(Verdict.BETTER, TradeOff.compare(new Point(0.428, 0.512), List.of(new Point(0.398, 0.485))));
        assertEquals(Verdict.BETTER, TradeOff.compare(new Point(0.323, 0.601), List.of(pretrained)), "tie on one axis");
        assertEquals(Verdict.WORSE, TradeOff.compare(new Point(0.3, 0.600), List.of(pretrained)));
        assertEquals(Verdict.TRADE, TradeOff.compare(pretrained, List.of(pretrained)), "equal is no improvement");
        assertEquals("better", Verdict.BETTER.label());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TradeOff.compare(new Point(0.5, 0.5), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Point(Double.NaN, 0.5));
    }
}
