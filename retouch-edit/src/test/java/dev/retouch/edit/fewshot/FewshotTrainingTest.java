package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingTask;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A tiny end-to-end run per variant: the loss of a fixed, seeded batch falls after 25 steps. */
class FewshotTrainingTest {
    @TempDir
    Path dir;

    private static double fixedBatchLoss(TrainingTask task) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            task.model().train(true);
            return task.loss(8, Tensors.generator(1234)).item_double();
        }
    }

    @ParameterizedTest
    @EnumSource(EffectVariant.class)
    void lossOfAFixedBatchDecreases(EffectVariant variant) {
        EffectConfig config = EffectConfig.tiny(variant, 2).withAugment(AugmentConfig.standard());
        Effect effect = Effect.create(config, FewshotFixtures.disks(6, 16, 7), 3);
        TrainingTask task = effect.trainingTask();
        double before = fixedBatchLoss(task);
        Trainer trainer = new Trainer(task, new TrainConfig(25, 4, 3e-3, 0, 0.0, 1.0, 0.0, 0, 5), dir);
        long t0 = System.nanoTime();
        trainer.run(Progress.silent());
        double after = fixedBatchLoss(task);
        System.err.printf(Locale.ROOT, "%s: fixed-batch loss %.4f -> %.4f after 25 steps (%.2f s)%n", variant, before,
                after, (System.nanoTime() - t0) / 1e9);
        assertTrue(after < 0.8 * before, variant + ": loss " + before + " -> " + after);
    }

    @org.junit.jupiter.api.Test
    void threeSourceGroupsTrainAndSample() {
        FewshotConfig c = FewshotConfig.tiny(3);
        EffectConfig config = new EffectConfig(Effect.FORMAT_VERSION, EffectVariant.NN, c, null,
                new SamplingConfig(3, 0.6, 2), LossWeights.standard(), AugmentConfig.none());
        Effect effect = Effect.create(config, FewshotFixtures.disks(5, 16, 2), 4);
        TrainingTask task = effect.trainingTask();
        double before = fixedBatchLoss(task);
        new Trainer(task, new TrainConfig(15, 4, 3e-3, 0, 0.0, 1.0, 0.0, 0, 6), dir).run(Progress.silent());
        double after = fixedBatchLoss(task);
        assertTrue(after < before, "n = 3: loss " + before + " -> " + after);
        var out = effect.apply(effect.pairs().get(0).before(), 1);
        assertTrue(out.width() == 16 && out.height() == 16);
    }
}
