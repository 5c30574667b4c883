package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.PredictionType;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DiffusionLossTest {
    private static NoiseSchedule schedule(PredictionType p) {
        return new NoiseSchedule(new NoiseScheduleConfig(1000, 1e-4, 0.02, BetaSchedule.LINEAR, p, true, 1));
    }

    @Test
    void minSnrWeightsFollowThePaperForEachPredictionType() {
        NoiseSchedule eps = schedule(PredictionType.EPSILON);
        int[] t = {0, 999};
        double snr0 = eps.alphaBar(0) / (1 - eps.alphaBar(0));      // ≈ 1e4: clipped to γ
        double snrT = eps.alphaBar(999) / (1 - eps.alphaBar(999));  // ≈ 4e-5: below γ
        float[] we = DiffusionLoss.weights(t, eps, 5);
        assertEquals(5 / snr0, we[0], 1e-9);
        assertEquals(1.0, we[1], 1e-6);
        float[] wv = DiffusionLoss.weights(t, schedule(PredictionType.V_PREDICTION), 5);
        assertEquals(5 / (snr0 + 1), wv[0], 1e-9);
        assertEquals(snrT / (snrT + 1), wv[1], 1e-9);
        float[] wx = DiffusionLoss.weights(t, schedule(PredictionType.SAMPLE), 5);
        assertEquals(5.0, wx[0], 1e-6);
        assertEquals(snrT, wx[1], 1e-9);
    }

    @Test
    void theLossIsThePlainMseAtGammaZeroAndThePerSampleWeightedMeanOtherwise() {
        NoiseSchedule eps = schedule(PredictionType.EPSILON);
        Tensor pred = Tensors.of(new float[]{1, 1, 0, 0}, 2, 2);
        Tensor target = Tensors.of(new float[]{0, 0, 0, 2}, 2, 2);
        // per-sample MSE: sample 0 → 1.0, sample 1 → 2.0
        assertEquals(1.5, DiffusionLoss.of(pred, target, new int[]{0, 999}, eps, 0).item_double(), 1e-6);
        double w0 = DiffusionLoss.weights(new int[]{0}, eps, 5)[0];
        assertEquals((w0 * 1.0 + 1.0 * 2.0) / 2, DiffusionLoss.of(pred, target, new int[]{0, 999}, eps, 5)
                .item_double(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> DiffusionLoss.of(pred, target, new int[]{0, 1}, eps, -1));
    }
}
