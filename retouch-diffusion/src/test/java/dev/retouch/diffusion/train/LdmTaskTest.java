package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LdmData precomputation and the LdmTask objective on 8 tiny latents. */
class LdmTaskTest {
    @TempDir
    Path run;

    private static LatentDiffusion ld;
    private static LdmData data;

    @BeforeAll
    static void precompute() {
        torch.set_num_threads(1);
        ld = TinyLatentDiffusion.create(0);
        data = LdmData.precompute(ld.vae(), ld.clip(), TinyLatentDiffusion.images(1, 8), TinyLatentDiffusion.CAPTIONS,
                3, (step, total, m) -> true);
    }

    private static double evalLoss(LdmTask task) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            return task.loss(8, Tensors.generator(99)).item_double();
        }
    }

    @Test
    void precomputeEncodesEveryImageAndCaptionAndReportsProgress() {
        List<long[]> calls = new ArrayList<>();
        Tensor images = TinyLatentDiffusion.images(1, 8);
        LdmData d = LdmData.precompute(ld.vae(), ld.clip(), images, TinyLatentDiffusion.CAPTIONS, 3,
                (step, total, m) -> calls.add(new long[]{step, total}));
        assertArrayEquals(new long[]{8, 4, 8, 8}, Tensors.shape(d.latents()));
        assertArrayEquals(new long[]{8, TinyLatentDiffusion.CONTEXT, 16}, Tensors.shape(d.states()));
        assertArrayEquals(new long[]{1, TinyLatentDiffusion.CONTEXT, 16}, Tensors.shape(d.emptyState()));
        assertEquals(7, calls.size(), "3 image batches, 3 caption batches, the empty prompt");
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(new long[]{i + 1, 7}, calls.get(i));
        }
        assertTrue(TinyLatentDiffusion.maxAbsDiff(ld.encode(images.narrow(0, 5, 1)), d.latents().narrow(0, 5, 1)) < 1e-5,
                "row 5 is image 5's latents (encoded in another batch)");
        Tensor heart = ld.textStates(List.of(TinyLatentDiffusion.CAPTIONS.get(1)), w -> { });
        assertTrue(TinyLatentDiffusion.maxAbsDiff(heart, d.states().narrow(0, 1, 1)) < 1e-5, "row 1 is caption 1's states");
        assertTrue(TinyLatentDiffusion.maxAbsDiff(ld.textStates(List.of(""), w -> { }), d.emptyState()) < 1e-5);
        assertThrows(IllegalArgumentException.class, () -> LdmData.precompute(ld.vae(), ld.clip(), images,
                TinyLatentDiffusion.CAPTIONS.subList(0, 7), 3, (s, t, m) -> true));
    }

    @Test
    void lossDecreasesOverThirtySteps() {
        LatentDiffusionModel model = LatentDiffusionModel.create(ld.model().config(), 1);
        LdmTask task = new LdmTask(model.unet(), model.schedule(), data, 0.1);
        double before = evalLoss(task);
        Trainer trainer = new Trainer(task, new TrainConfig(30, 8, 2e-3, 0, 0.0, 1.0, 0.0, 0, 7), run);
        Trainer.Result r = trainer.run((step, total, loss) -> true);
        double after = evalLoss(task);
        assertEquals(30, r.steps());
        assertTrue(r.recentLoss() > 0 && r.recentLoss() < before * 2, "mean of the run's losses: " + r.recentLoss());
        assertTrue(after < 0.7 * before, "ε-MSE on fixed draws: " + before + " → " + after);
    }

    @Test
    void droppedCaptionsAreReplacedByTheEmptyPrompt() {
        LdmData allEmpty = new LdmData(data.latents(), data.emptyState().expand(8, -1, -1).contiguous(),
                data.emptyState());
        LdmTask dropAll = new LdmTask(ld.unet(), ld.schedule(), data, 1.0);
        LdmTask noCaptions = new LdmTask(ld.unet(), ld.schedule(), allEmpty, 0.0);
        LdmTask keepAll = new LdmTask(ld.unet(), ld.schedule(), data, 0.0);
        // the same draws (batch, dropout coin, t, noise) from the same seed
        assertEquals(evalLoss(noCaptions), evalLoss(dropAll), 1e-6, "dropout 1 trains on the empty prompt only");
        assertNotEquals(evalLoss(keepAll), evalLoss(dropAll), "the captions matter");
        LdmTask some = new LdmTask(ld.unet(), ld.schedule(), data, 0.1);
        assertEquals(evalLoss(some), evalLoss(some), "seeded");
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LdmTask(ld.unet(), ld.schedule(), data, 1.5));
        LdmData wide = new LdmData(data.latents(), torch.zeros(8, 8, 24), torch.zeros(1, 8, 24));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LdmTask(ld.unet(), ld.schedule(), wide, 0.1));
        assertTrue(e.getMessage().contains("16-wide states") && e.getMessage().contains("[8, 8, 24]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LdmData(data.latents(), torch.zeros(7, 8, 16),
                torch.zeros(1, 8, 16)));
    }
}
