package dev.retouch.diffusion.pipeline;

import dev.retouch.core.engine.Placement;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.DDPMScheduler;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.retouch.diffusion.model.TinyLatentDiffusion.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model placed in another precision runs every latent pipeline with its networks in that precision while the
 * pipelines keep float32 latents, and images go in and come out as float32 on the CPU. The CPU in float16 stands in
 * for CUDA here (no GPU on the build machine): every cast at a network's boundary that CUDA fp16 needs is exercised;
 * a missing move between devices is not (CPU and CUDA tensors mixing is what only a GPU run can show).
 */
class PlacementTest {
    private static final Placement HALF = new Placement("cpu", Placement.Precision.FP16);
    /** float16 has an 11-bit significand: a few steps of a tiny untrained model stay within this of float32. */
    private static final double TOLERANCE = 0.05;

    private static LatentDiffusion full;
    private static LatentDiffusion half;

    @BeforeAll
    static void models() {
        torch.set_num_threads(1);
        full = TinyLatentDiffusion.create(0);
        half = TinyLatentDiffusion.create(0).placeOn(HALF);
    }

    private static PromptStates states(LatentDiffusion ld, String prompt) {
        return PromptStates.encode(ld, List.of(prompt), "", m -> { });
    }

    @Test
    void placingMovesEveryNetworkAndIsIdempotent() {
        assertEquals(Placement.CPU, full.placement());
        assertEquals(HALF, half.placement());
        for (var weights : List.of(half.unet().stateDict(), half.vae().stateDict(), half.clip().model().stateDict())) {
            weights.forEach((name, t) -> assertEquals(torch.ScalarType.Half, Tensors.dtype(t), name));
        }
        assertSame(half, half.placeOn(HALF), "placing again where it is changes nothing");
        Tensor text = half.textStates(List.of("red heart"), m -> { });
        assertEquals(torch.ScalarType.Float, Tensors.dtype(text), "text states come back as float32");
        assertTrue(maxAbsDiff(text, full.textStates(List.of("red heart"), m -> { })) < TOLERANCE);
    }

    @Test
    void aPlacedNetworkAnswersInTheInputsType() {
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor x = Tensors.randn(Tensors.generator(3), 2, 4, 8, 8);
            Tensor c = full.textStates(List.of("cat face", "sun with face"), m -> { });
            Tensor want = full.unet().forward(x, PixelPipelines.timestepTensor(500, 2), c);
            Tensor got = half.unet().forward(x, PixelPipelines.timestepTensor(500, 2), c);
            assertEquals(torch.ScalarType.Float, Tensors.dtype(got));
            double d = maxAbsDiff(got, want);
            assertTrue(d > 0 && d < TOLERANCE, "fp16 UNet vs fp32: " + d);
        }
    }

    @Test
    void textToImageRunsInHalfPrecisionCloseToFloat32() {
        Scheduler ddim = DDIMScheduler.of(full.schedule(), 4);
        Tensor want = LatentPipelines.generate(full, states(full, "red heart"), 3.0, 2, ddim, Tensors.generator(1),
                LoopHooks.NONE);
        Tensor got = LatentPipelines.generate(half, states(half, "red heart"), 3.0, 2, ddim, Tensors.generator(1),
                LoopHooks.NONE);
        assertArrayEquals(new long[]{2, 3, 16, 16}, Tensors.shape(got));
        assertEquals(torch.ScalarType.Float, Tensors.dtype(got));
        assertTrue(got.is_cpu());
        double d = maxAbsDiff(got, want);
        assertTrue(d > 0 && d < TOLERANCE, "same seed, fp16 vs fp32 images: " + d);
    }

    @Test
    void stochasticSamplingDrawsTheSameNoiseWhereverTheModelIs() {
        Scheduler ddpm = new DDPMScheduler(full.schedule(), new int[]{800, 600, 400, 200, 0},
                dev.retouch.diffusion.schedule.VarianceType.FIXED_SMALL);
        Tensor want = LatentPipelines.generateLatents(full, states(full, "cat face"), 1.0, 1, ddpm,
                Tensors.generator(7), LoopHooks.NONE);
        Tensor got = LatentPipelines.generateLatents(half, states(half, "cat face"), 1.0, 1, ddpm,
                Tensors.generator(7), LoopHooks.NONE);
        assertEquals(torch.ScalarType.Float, Tensors.dtype(got), "latents stay float32");
        assertTrue(maxAbsDiff(got, want) < TOLERANCE, "noise drawn on the CPU from the seed: " + maxAbsDiff(got, want));
    }

    @Test
    void img2imgReconstructionAndDiffEditRunOnThePlacedModel() {
        Tensor x = TinyLatentDiffusion.images(11, 1);
        Tensor z = half.encode(x);
        assertEquals(torch.ScalarType.Float, Tensors.dtype(z));
        assertTrue(maxAbsDiff(z, full.encode(x)) < TOLERANCE);

        Tensor want = LatentPipelines.img2img(full, x, states(full, "cat face"), 3.0, 0.6, 10, Tensors.generator(2),
                LoopHooks.NONE);
        Tensor got = LatentPipelines.img2img(half, x, states(half, "cat face"), 3.0, 0.6, 10, Tensors.generator(2),
                LoopHooks.NONE);
        assertTrue(maxAbsDiff(got, want) < TOLERANCE, "img2img: " + maxAbsDiff(got, want));

        LatentPipelines.Reconstruction r = LatentPipelines.reconstruct(half, x, states(half, "cat face"), 10,
                LoopHooks.NONE);
        LatentPipelines.Reconstruction r32 = LatentPipelines.reconstruct(full, x, states(full, "cat face"), 10,
                LoopHooks.NONE);
        assertTrue(maxAbsDiff(r.image(), r32.image()) < TOLERANCE, "reconstruction: " + maxAbsDiff(r.image(), r32.image()));

        DiffEdit.Options o = new DiffEdit.Options(0.5, 10, 3.0, DiffEditMask.Options.defaults());
        Tensor q = half.textStates(List.of("red heart"), m -> { });
        Tensor ref = half.textStates(List.of("cat face"), m -> { });
        Tensor u = half.textStates(List.of(""), m -> { });
        DiffEdit.Result e = DiffEdit.edit(half, x, q, ref, u, o, Tensors.generator(1), LoopHooks.NONE);
        assertArrayEquals(new long[]{1, 3, 16, 16}, Tensors.shape(e.image()));
        assertTrue(e.image().is_cpu() && Tensors.allFinite(e.image()));
        assertTrue(e.mask().count() > 0 && e.mask().count() < 256, "a partial mask: " + e.mask().count());
    }

    @Test
    void twoPanelRegionsFollowTheTextStates() {
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor u = half.textStates(List.of(""), m -> { });
            Tensor a = half.textStates(List.of("red heart"), m -> { });
            Tensor b = half.textStates(List.of("cat face"), m -> { });
            Tensor s = half.textStates(List.of("thumbs up"), m -> { });
            RegionalDenoiser d = RegionalDenoiser.twoPanels(half.unet(), u, s, a, b, 8, 8, 0.1, 0.9, 5.0);
            Tensor x = Tensors.randn(Tensors.generator(4), 1, 4, 8, 8);
            Tensor got = d.predict(x, 700);
            RegionalDenoiser d32 = RegionalDenoiser.twoPanels(full.unet(), full.textStates(List.of(""), m -> { }),
                    full.textStates(List.of("thumbs up"), m -> { }), full.textStates(List.of("red heart"), m -> { }),
                    full.textStates(List.of("cat face"), m -> { }), 8, 8, 0.1, 0.9, 5.0);
            assertTrue(maxAbsDiff(got, d32.predict(x, 700)) < TOLERANCE);
        }
    }
}
