package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sets up SINE's fine-tuning of a copy of the base UNet on one image (§3.3) on the shared {@link Trainer} (AdamW,
 * checkpoints, exact resume). The copy starts from the base weights; the base model is not modified.
 */
public final class SineFinetune {
    /** The fine-tune's run directory (checkpoint, loss curve) inside its model directory. */
    public static final String RUN_DIR = "train";
    /**
     * Defaults for the emoji models (64×64 images, 16×16 latents; about 10 minutes on one CPU core): 4,000 steps for
     * both variants, after which the fine-tuned model reproduces its image and (K, v) reach from the source to the
     * prompt (800/300 steps did not fit it closely enough for that); see package-info.
     */
    public static final int DEFAULT_STEPS_PATCHES = 4000;
    public static final int DEFAULT_STEPS_NO_PATCHES = 4000;
    public static final int DEFAULT_BATCH = 4;
    public static final double DEFAULT_LEARNING_RATE = 5e-5;
    public static final double MIN_CROP_FRACTION = 0.1;

    private final SineConfig config;
    private final UNet2DConditionModel unet;
    private final Trainer trainer;

    /**
     * @param image   (1, 3, S, S) in [−1, 1], S the base model's image size
     * @param baseRef the base model's directory relative to the output directory (stored in the config)
     * @param runDir  where the trainer writes its checkpoint and loss curve
     */
    public SineFinetune(LatentDiffusion base, Tensor image, String classWord, Variant variant, String baseRef,
                        TrainConfig train, Path runDir, Consumer<String> warnings) {
        String word = SineConfig.checkClassWord(classWord);
        int latent = base.model().latentSize();
        UNet2DConditionModel copy = new UNet2DConditionModel(base.unet().config());
        copy.loadStateDict(base.unet().stateDict(), true);
        this.unet = copy;
        this.config = new SineConfig(SineConfig.TYPE, SineConfig.FORMAT_VERSION, baseRef, word, variant,
                copy.config(), new SineConfig.Positional(copy.config().channels(0), latent, latent,
                PositionalGrid.TEMPERATURE), base.imageSize(), MIN_CROP_FRACTION, train.steps());
        Tensor state = Tensors.keep(base.textStates(List.of(config.prompt()), warnings)); // (1, M, D)
        SineFinetuneTask task = new SineFinetuneTask(copy, base.schedule(), base.vae(), image, state, config);
        this.trainer = new Trainer(task, train, runDir);
    }

    /** A training configuration for the fine-tune: AdamW without weight decay, no EMA, gradient clip 1. */
    public static TrainConfig trainConfig(int steps, int batch, double learningRate, int checkpointEvery, long seed) {
        return new TrainConfig(steps, batch, learningRate, Math.min(20, steps / 10), 0.0, 1.0, 0.0, checkpointEvery,
                seed);
    }

    public Trainer trainer() {
        return trainer;
    }

    public SineConfig config() {
        return config;
    }

    /** The fine-tuned model as it is now (eval mode). */
    public SineModel model() {
        unet.eval();
        return new SineModel(config, unet);
    }

    /** Writes the model directory (config, fp16 weights of the fine-tuned UNet, model card). */
    public void save(Path dir, String modelCard) {
        SineModel.save(dir, config, unet.stateDict(), modelCard);
    }
}
