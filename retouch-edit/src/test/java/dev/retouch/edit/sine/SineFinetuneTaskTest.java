package dev.retouch.edit.sine;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning on one image with the tiny UNet and autoencoder: the loss drops, the directory round-trips, resume. */
class SineFinetuneTaskTest {
    @TempDir
    Path dir;

    static AutoencoderKL vae;
    static Tensor image;
    static Tensor state;
    static NoiseSchedule schedule;

    @BeforeAll
    static void setUp() {
        torch.set_num_threads(1);
        vae = new AutoencoderKL(AutoencoderKLConfig.tiny());
        vae.initialize(Tensors.generator(1));
        vae.eval();
        // a smooth 16×16 image: a diagonal ramp per channel
        Tensor ramp = Tensors.arange(16).to(torch.ScalarType.Float).div(Tensors.s(7.5)).sub(Tensors.s(1));
        image = Tensors.keep(ramp.view(1, 1, 1, 16).add(ramp.view(1, 1, 16, 1)).mul(Tensors.s(0.5))
                .expand(1, 3, 16, 16).contiguous());
        state = Tensors.keep(Tensors.randn(Tensors.generator(2), 1, 5, 12));
        schedule = new NoiseSchedule(NoiseScheduleConfig.stableDiffusion());
    }

    static UNet2DConditionModel unet() {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.tiny());
        m.initialize(Tensors.generator(3));
        return m;
    }

    static SineConfig config(Variant variant, int steps) {
        UNet2DConditionConfig u = UNet2DConditionConfig.tiny();
        return new SineConfig(SineConfig.TYPE, SineConfig.FORMAT_VERSION, "../ldm", "face", variant, u,
                new SineConfig.Positional(8, 8, 8, PositionalGrid.TEMPERATURE), 16, 0.1, steps);
    }

    /** Mean loss over a fixed seeded set of draws (same crops, noise and t before and after). */
    static double evalLoss(SineFinetuneTask task) {
        Generator g = Tensors.generator(99);
        double sum = 0;
        try (NoGradGuard ignored = new NoGradGuard(); PointerScope ignored2 = new PointerScope()) {
            for (int i = 0; i < 8; i++) {
                sum += task.loss(16, g).item_double();
            }
        }
        return sum / 8;
    }

    @Test
    void aFewStepsReduceTheLossOnTheImage() {
        for (Variant variant : Variant.values()) {
            UNet2DConditionModel m = unet();
            SineFinetuneTask task = new SineFinetuneTask(m, schedule, vae, image, state, config(variant, 40));
            double before = evalLoss(task);
            Trainer trainer = new Trainer(task, SineFinetune.trainConfig(40, 4, 2e-3, 0, 5), dir.resolve(variant.name()));
            trainer.run(Progress.silent());
            double after = evalLoss(task);
            assertTrue(after < 0.8 * before, variant + ": loss " + before + " -> " + after);
        }
    }

    @Test
    void cropsAreTheBoxesPixelsResized() {
        SineFinetuneTask task = new SineFinetuneTask(unet(), schedule, vae, image, state, config(Variant.PATCHES, 1));
        assertEquals(0.0, task.cropImage(CropBox.whole(8, 8)).sub(image).abs().max().item_double(), 0.0);
        Tensor quarter = task.cropImage(new CropBox(4, 4, 4, 4)); // pixels 8..15, resized to 16×16
        assertEquals(16, quarter.size(2));
        assertEquals(image.get(0).get(0).get(15).get(15).item_double(), quarter.get(0).get(0).get(15).get(15).item_double(), 1e-6);
    }

    @Test
    void savedDirectoryRoundTripsAndOthersAreRefused() throws Exception {
        UNet2DConditionModel m = unet();
        SineConfig config = config(Variant.PATCHES, 3);
        Path out = dir.resolve("tuned");
        SineModel.save(out, config, m.stateDict(), "# test\n");
        SineModel loaded = SineModel.load(out);
        assertEquals(config, loaded.config());
        // the stored weights are fp16: compare with the original rounded the same way
        Map<String, Tensor> half = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> half.put(k, t.to(torch.ScalarType.Half).to(torch.ScalarType.Float)));
        m.loadStateDict(half, true);
        m.eval();
        Tensor x = Tensors.randn(Tensors.generator(4), 1, 4, 8, 8);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor pe = loaded.positional(8, 8, true);
            Tensor a = m.forward(x, PixelPipelines.timestepTensor(500, 1), state, pe);
            Tensor b = loaded.unet().forward(x, PixelPipelines.timestepTensor(500, 1), state, pe);
            assertEquals(0.0, a.sub(b).abs().max().item_double(), 1e-6);
        }
        // a directory of another type, and a newer format version, are refused by name
        Files.writeString(out.resolve(ModelDirectory.CONFIG), Files.readString(out.resolve(ModelDirectory.CONFIG))
                .replaceAll("\"formatVersion\"\\s*:\\s*1", "\"formatVersion\": 7"));
        RetouchException e = assertThrows(RetouchException.class, () -> SineModel.load(out));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        Files.writeString(out.resolve(ModelDirectory.CONFIG), "{\"type\":\"latent-diffusion\"}");
        e = assertThrows(RetouchException.class, () -> SineModel.load(out));
        assertTrue(e.getMessage().contains("not a sine model"), e.getMessage());
        e = assertThrows(RetouchException.class, () -> SineModel.load(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("not a sine model"), e.getMessage());
    }

    @Test
    void resumeContinuesExactly() {
        Map<String, Tensor> straight = train(8, false, "a");
        train(4, false, "b");
        Map<String, Tensor> resumed = train(8, true, "b");
        straight.forEach((k, t) -> assertEquals(0.0, t.sub(resumed.get(k)).abs().max().item_double(), 0.0, k));
    }

    private Map<String, Tensor> train(int steps, boolean resume, String run) {
        UNet2DConditionModel m = unet();
        SineFinetuneTask task = new SineFinetuneTask(m, schedule, vae, image, state, config(Variant.PATCHES, steps));
        Trainer trainer = new Trainer(task, SineFinetune.trainConfig(steps, 2, 1e-3, 0, 5), dir.resolve(run));
        if (resume) {
            trainer.resume();
        }
        trainer.run(Progress.silent());
        return m.stateDict();
    }
}
