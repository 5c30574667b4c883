package dev.retouch.eval.judge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JudgeScoresTest {
    @Test
    void probabilitiesAreTheSoftmaxOfTheLogits() {
        JudgeScores s = new JudgeScores(new float[][]{{1f, 2f, 0.5f}}, new double[][]{{0}}, new byte[][]{{0}});
        double z = Math.exp(1) + Math.exp(2) + Math.exp(0.5);
        assertEquals(Math.exp(1) / z, s.probability(0, 0), 1e-12);
        assertEquals(Math.exp(0.5) / z, s.probability(0, 2), 1e-12);
        assertEquals(s.confidence(0), s.probability(0, s.top1(0)), 1e-12);
        assertEquals(1.0, s.probability(0, 0) + s.probability(0, 1) + s.probability(0, 2), 1e-12);
    }

    @Test
    void cosineOfFeatures() {
        assertEquals(1.0, JudgeScores.cosine(new double[]{1, 2}, new double[]{2, 4}), 1e-12);
        assertEquals(0.0, JudgeScores.cosine(new double[]{1, 0}, new double[]{0, 3}), 1e-12);
        assertEquals(-1.0, JudgeScores.cosine(new double[]{1, 1}, new double[]{-2, -2}), 1e-12);
    }
}
