package dev.retouch.edit.sine;

import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Fine-tune step time at the emoji-ldm size (random weights: only the time matters) on one thread. Opt-in:
 * {@code -Dretouch.timing=true}.
 */
@EnabledIfSystemProperty(named = "retouch.timing", matches = "true")
class SineTimingTest {
    @TempDir
    Path dir;

    @Test
    void emojiSizedStepTime() {
        torch.set_num_threads(1);
        AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.emoji());
        vae.initialize(Tensors.generator(1));
        vae.eval();
        UNet2DConditionConfig uc = UNet2DConditionConfig.emoji().forLatents(4, 16, 128);
        for (Variant variant : Variant.values()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(uc);
            unet.initialize(Tensors.generator(2));
            SineConfig config = new SineConfig(SineConfig.TYPE, SineConfig.FORMAT_VERSION, "../emoji-ldm", "face",
                    variant, uc, new SineConfig.Positional(64, 16, 16, PositionalGrid.TEMPERATURE), 64, 0.1, 12);
            SineFinetuneTask task = new SineFinetuneTask(unet, new NoiseSchedule(NoiseScheduleConfig.stableDiffusion()),
                    vae, Tensors.rand(Tensors.generator(3), 1, 3, 64, 64).mul(Tensors.s(2)).sub(Tensors.s(1)),
                    Tensors.randn(Tensors.generator(4), 1, 16, 128), config);
            new Trainer(task, SineFinetune.trainConfig(2, 4, 5e-5, 0, 1), dir.resolve("warm" + variant)).run(Progress.silent());
            Trainer t = new Trainer(task, SineFinetune.trainConfig(12, 4, 5e-5, 0, 1), dir.resolve(variant.name()));
            Trainer.Result r = t.run(Progress.silent());
            System.out.printf(Locale.ROOT, "SINE fine-tune %s: %.3f s/step (batch 4, 1 thread, %d params)%n", variant,
                    r.seconds() / r.steps(), unet.parameterCount());
        }
    }
}
