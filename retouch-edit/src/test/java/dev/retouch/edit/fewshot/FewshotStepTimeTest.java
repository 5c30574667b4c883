package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.train.TrainingTask;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Timing of one emoji-size training step (batch 8) and one edit per variant; runs only with
 * {@code -Dretouch.bench=true} (it takes tens of seconds and its numbers depend on the machine's load).
 */
class FewshotStepTimeTest {
    @Test
    void emojiStepAndEditTimes() {
        assumeTrue(Boolean.getBoolean("retouch.bench"), "set -Dretouch.bench=true to time the emoji configuration");
        System.err.printf(Locale.ROOT, "reference: 1024³ float matmul at %.0f GFLOP/s in this process%n", matmulGflops());
        for (EffectVariant v : new EffectVariant[]{EffectVariant.NN}) {
            Effect effect = Effect.create(EffectConfig.emoji(v, 2), FewshotFixtures.disks(20, 64, 1), 1);
            TrainingTask task = effect.trainingTask();
            var gen = Tensors.generator(1);
            var opt = new dev.retouch.diffusion.train.AdamW(task.model().namedParameters(), 0.0);
            double total = 0;
            int n = 6;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                try (PointerScope ignored = new PointerScope()) {
                    opt.zeroGrad();
                    Tensor loss = task.loss(8, gen);
                    loss.backward();
                    opt.step(1e-4);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (i >= 2) total += s; // the first steps warm up the allocator
            }
            double edit = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long e0 = System.nanoTime();
                effect.apply(effect.pairs().get(i).before(), i);
                double e = (System.nanoTime() - e0) / 1e9;
                System.err.printf(Locale.ROOT, "  edit %d: %.3f s%n", i, e);
                edit = Math.min(edit, e);
            }
            System.err.printf(Locale.ROOT, "%s: %.3f s per training step (batch 8), %.3f s per edit (best of 3)%n", v,
                    total / (n - 2), edit);
        }
        System.err.printf(Locale.ROOT, "reference again: %.0f GFLOP/s%n", matmulGflops());
    }

    /** The machine's practical limit right now: the best of 5 1024³ float matrix products. */
    static double matmulGflops() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor a = Tensors.randn(Tensors.generator(1), 1024, 1024);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                a.matmul(a).sum().item_double();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
        }
    }
}
