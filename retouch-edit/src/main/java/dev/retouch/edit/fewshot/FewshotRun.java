package dev.retouch.edit.fewshot;

import dev.retouch.diffusion.train.TrainConfig;

/**
 * {@code run.json} of a training run directory: everything needed to resume the run exactly (the run directory
 * also holds the pairs it trains on, the checkpoint and loss.csv).
 *
 * @param effect  the effect being trained
 * @param train   the training loop's settings
 * @param command the command line that started the run (for the model card)
 */
public record FewshotRun(EffectConfig effect, TrainConfig train, String command) {
    public FewshotRun {
        if (effect == null || train == null || command == null) {
            throw new IllegalArgumentException("FewshotRun: effect, train and command are required");
        }
    }

    /** The same run with another total step count (to extend a resumed run). */
    public FewshotRun withSteps(int steps) {
        TrainConfig t = train;
        return new FewshotRun(effect, new TrainConfig(steps, t.batchSize(), t.learningRate(), t.warmupSteps(),
                t.weightDecay(), t.gradClip(), t.emaDecay(), t.checkpointEvery(), t.seed()), command);
    }
}
