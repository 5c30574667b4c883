package dev.retouch.eval.sine;

import dev.retouch.eval.sine.SineBenchmark.Score;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The grid's choice of (K, v): the best SSIM among settings whose prompt agreement reaches the baseline's. */
class SineGridChoiceTest {
    private static Score s(double ssim, double agree) {
        return new Score(ssim, 0.5, 0.5, agree, 0.5);
    }

    @Test
    void picksTheHighestSsimAmongSettingsThatAgreeWithThePromptAsOftenAsTheBaseline() {
        Map<String, List<Score>> grid = new LinkedHashMap<>();
        grid.put("K = 0, v = 0.0", List.of(s(0.60, 0), s(0.50, 0)));      // most faithful, never edits: excluded
        grid.put("K = 200, v = 0.5", List.of(s(0.40, 1), s(0.30, 1)));    // agrees 1.0, SSIM 0.35
        grid.put("K = 400, v = 0.7", List.of(s(0.33, 1), s(0.31, 0)));    // agrees 0.5 = baseline, SSIM 0.32
        grid.put("K = 800, v = 1.0", List.of(s(0.20, 1), s(0.20, 1)));
        List<Score> sdedit = List.of(s(0.30, 1), s(0.32, 0));              // SSIM 0.31, agreement 0.5
        Map<String, Object> c = SineBenchmark.gridChoice(grid, sdedit);
        assertEquals("K = 200, v = 0.5", c.get("setting"));
        assertEquals(0.35, (double) c.get("ssim"), 1e-12);
        assertEquals(1.0, (double) c.get("judge_target_top1"), 1e-12);
        assertEquals(0.31, (double) c.get("baseline_ssim"), 1e-12);
        assertEquals(0.5, (double) c.get("baseline_judge_target_top1"), 1e-12);
    }

    @Test
    void equalSsimGoesToTheHigherAgreementAndNoQualifyingSettingGivesNone() {
        Map<String, List<Score>> grid = new LinkedHashMap<>();
        grid.put("a", List.of(s(0.30, 1), s(0.30, 0)));
        grid.put("b", List.of(s(0.30, 1), s(0.30, 1)));
        assertEquals("b", SineBenchmark.gridChoice(grid, List.of(s(0.1, 0.5))).get("setting"));
        Map<String, Object> none = SineBenchmark.gridChoice(Map.of("a", grid.get("a")), List.of(s(0.1, 1)));
        assertNull(none.get("setting"));
        assertNull(none.get("ssim"));
    }
}
