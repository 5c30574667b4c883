package dev.retouch.diffusion.pipeline;

import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.DDPMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.VarianceType;
import dev.retouch.diffusion.unet.UNet2DConfig;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pixel pipelines on a tiny untrained model: shapes, ranges, seeds, SDEdit, inversion, and the loop's hooks. */
class PixelPipelinesTest {
    private static PixelDiffusionModel model;

    @BeforeAll
    static void tinyModel() {
        torch.set_num_threads(1);
        model = PixelDiffusionModel.create(DdpmConfig.of(UNet2DConfig.tiny(), NoiseScheduleConfig.ddpmLinear()), 0);
        model.unet().eval();
    }

    private static Tensor image(long seed) {
        return Tensors.rand(Tensors.generator(seed), 1, 3, 8, 8).mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return Tensors.toFloats(a.sub(b).abs().max())[0];
    }

    @Test
    void chunkedPassesMatchOnePassAndSurviveTheirScopes() {
        Tensor x = Tensors.randn(Tensors.generator(5), 8, 3, 8, 8);
        List<Long> sizes = new ArrayList<>();
        Tensor y;
        try (org.bytedeco.javacpp.PointerScope ignored = new org.bytedeco.javacpp.PointerScope()) {
            y = PixelPipelines.chunked(x, 3, (part, n) -> {
                sizes.add(n);
                assertEquals(n, part.size(0));
                return part.mul(Tensors.s(2)).add(Tensors.s(1));
            });
            // the chunk outputs were made in inner scopes that are closed by now; the result must be whole
            assertArrayEquals(Tensors.toFloats(x.mul(Tensors.s(2)).add(Tensors.s(1))), Tensors.toFloats(y), 0f);
        }
        assertEquals(List.of(3L, 3L, 2L), sizes);
        // the UNet run in chunks gives what one pass gives (per-sample network)
        Tensor big = Tensors.randn(Tensors.generator(6), PixelPipelines.CHUNK + 3, 3, model.sampleSize(),
                model.sampleSize());
        try (org.bytedeco.pytorch.NoGradGuard ignored = new org.bytedeco.pytorch.NoGradGuard()) {
            Tensor whole = model.unet().forward(big, PixelPipelines.timestepTensor(500, big.size(0)));
            Tensor parts = PixelPipelines.denoiser(model.unet()).predict(big, 500);
            assertTrue(whole.sub(parts).abs().max().item_double() < 1e-5);
        }
    }

    @Test
    void samplesHaveTheModelsShapeAndRangeAndFollowTheSeed() {
        Scheduler ddpm = new DDPMScheduler(model.schedule(), PixelPipelines.ddimTimesteps(model.schedule(), 8),
                VarianceType.FIXED_SMALL);
        Tensor a = PixelPipelines.sample(model, ddpm, 2, Tensors.generator(5), LoopHooks.NONE);
        assertArrayEquals(new long[]{2, 3, 8, 8}, Tensors.shape(a));
        float[] av = Tensors.toFloats(a);
        for (float v : av) {
            assertTrue(v >= -1 && v <= 1, "clamped to [−1, 1]: " + v);
        }
        assertArrayEquals(av, Tensors.toFloats(PixelPipelines.sample(model, ddpm, 2, Tensors.generator(5), LoopHooks.NONE)));
        assertFalse(Arrays.equals(av, Tensors.toFloats(PixelPipelines.sample(model, ddpm, 2, Tensors.generator(6),
                LoopHooks.NONE))), "another seed, another sample");
        assertFalse(Arrays.equals(Arrays.copyOfRange(av, 0, 192), Arrays.copyOfRange(av, 192, 384)),
                "the two samples of a batch differ");
        Scheduler ddim = DDIMScheduler.of(model.schedule(), 4);
        assertArrayEquals(Tensors.toFloats(PixelPipelines.sample(model, ddim, 1, Tensors.generator(7), LoopHooks.NONE)),
                Tensors.toFloats(PixelPipelines.sample(model, ddim, 1, Tensors.generator(7), LoopHooks.NONE)));
    }

    @Test
    void sdeditStrengthZeroReturnsTheInputAndStrengthIsValidated() {
        Tensor x = image(1);
        Tensor same = PixelPipelines.sdedit(model, x, 0.0, 10, Tensors.generator(1), LoopHooks.NONE);
        assertArrayEquals(Tensors.toFloats(x), Tensors.toFloats(same));
        assertNotSame(x, same);
        assertArrayEquals(Tensors.toFloats(x),
                Tensors.toFloats(PixelPipelines.sdedit(model, x, 0.05, 10, Tensors.generator(1), LoopHooks.NONE)),
                "⌊10 · 0.05⌋ = 0 steps");
        for (double bad : new double[]{-0.1, 1.01, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PixelPipelines.sdedit(model, x, bad, 10, Tensors.generator(1), LoopHooks.NONE));
            assertTrue(e.getMessage().contains("strength"), e.getMessage());
        }
    }

    @Test
    void sdeditRunsTheLastStrengthFractionOfTheSteps() {
        Tensor x = image(2);
        List<Integer> seen = new ArrayList<>();
        LoopHooks hooks = new LoopHooks((out, xt, t) -> {
            seen.add(t);
            return out;
        }, null, null);
        Tensor edited = PixelPipelines.sdedit(model, x, 0.5, 10, Tensors.generator(3), hooks);
        assertEquals(List.of(400, 300, 200, 100, 0), seen, "the last ⌊10 · 0.5⌋ of 900, 800, …, 0");
        assertArrayEquals(new long[]{1, 3, 8, 8}, Tensors.shape(edited));
        assertTrue(maxAbsDiff(edited, x) > 1e-3, "an untrained model changes the image");
        assertArrayEquals(Tensors.toFloats(edited), Tensors.toFloats(
                PixelPipelines.sdedit(model, x, 0.5, 10, Tensors.generator(3), LoopHooks.NONE)), "seeded");
    }

    @Test
    void reconstructReturnsALatentAndAnImage() {
        Tensor x = image(3);
        List<Integer> steps = new ArrayList<>();
        PixelPipelines.Reconstruction r = PixelPipelines.reconstruct(model, x, 5,
                LoopHooks.progress((step, total, m) -> steps.add((int) step)));
        assertArrayEquals(new long[]{1, 3, 8, 8}, Tensors.shape(r.latent()));
        assertArrayEquals(new long[]{1, 3, 8, 8}, Tensors.shape(r.image()));
        assertTrue(maxAbsDiff(r.latent(), x) > 0.1, "the latent is a noised version, not the input");
        assertTrue(Tensors.allFinite(r.latent()) && Tensors.allFinite(r.image()));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), steps, "inversion then sampling, 5 steps each, one run of 10");
        // inversion alone gives the same latent, deterministically
        int[] ts = PixelPipelines.ddimTimesteps(model.schedule(), 5);
        assertArrayEquals(Tensors.toFloats(r.latent()),
                Tensors.toFloats(PixelPipelines.invert(model, x, ts, LoopHooks.NONE)));
    }

    @Test
    void listenerIsCalledOncePerStepAndCanCancel() {
        Scheduler ddim = DDIMScheduler.of(model.schedule(), 6);
        List<long[]> calls = new ArrayList<>();
        PixelPipelines.sample(model, ddim, 1, Tensors.generator(1), LoopHooks.progress((step, total, m) -> {
            calls.add(new long[]{step, total});
            assertTrue(Double.isNaN(m));
            return true;
        }));
        assertEquals(6, calls.size());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(new long[]{i + 1, 6}, calls.get(i));
        }

        List<Long> seen = new ArrayList<>();
        RetouchException e = assertThrows(RetouchException.class, () -> PixelPipelines.sample(model, ddim, 1,
                Tensors.generator(1), LoopHooks.progress((step, total, m) -> {
                    seen.add(step);
                    return step < 3;
                })));
        assertEquals(List.of(1L, 2L, 3L), seen, "no step runs after cancellation");
        assertTrue(e.getMessage().contains("cancelled after step 3 of 6"), e.getMessage());
    }

    @Test
    void guidanceSeesEveryTimestepInOrderAndItsOutputIsUsed() {
        NoiseSchedule s = model.schedule();
        DDIMScheduler ddim = new DDIMScheduler(s, new int[]{900, 600, 300, 0}, 0.0);
        // small enough that x̂₀ = x/√ᾱ stays inside the schedule's clipping range [−1, 1]
        Tensor xT = Tensors.randn(Tensors.generator(4), 1, 3, 8, 8).mul(Tensors.s(0.001));
        List<Integer> ts = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        // guidance replaces the prediction with ε̂ = 0: η = 0 DDIM then scales x by √(ᾱ_s/ᾱ_t) each step, so the
        // result is x_T/√ᾱ_900 exactly (ᾱ after the last step is 1), far from anything the model would give
        LoopHooks hooks = new LoopHooks((out, x, t) -> {
            ts.add(t);
            assertArrayEquals(new long[]{1, 3, 8, 8}, Tensors.shape(out));
            return out.mul(Tensors.s(0));
        }, (x, tNext) -> {
            next.add(tNext);
            return x;
        }, null);
        Tensor x0 = DenoiseLoop.run(PixelPipelines.denoiser(model.unet()), ddim, xT, null, hooks);
        assertEquals(List.of(900, 600, 300, 0), ts);
        assertEquals(List.of(600, 300, 0, -1), next, "afterStep gets the next level, −1 at the end");
        Tensor want = xT.div(Tensors.s(Math.sqrt(s.alphaBar(900))));
        assertTrue(Tensors.toFloats(want.abs().max())[0] > 0.1, "a clearly non-trivial target");
        assertTrue(maxAbsDiff(want, x0) < 1e-5, "guided result " + maxAbsDiff(want, x0));

        // an afterStep hook's result replaces the sample
        Tensor zeros = DenoiseLoop.run(PixelPipelines.denoiser(model.unet()), ddim, xT, null,
                new LoopHooks(null, (x, tNext) -> x.mul(Tensors.s(0)), null));
        assertEquals(0.0, Tensors.toFloats(zeros.abs().max())[0]);
    }

    @Test
    void timestepTensorFillsTheBatch() {
        Tensor t = PixelPipelines.timestepTensor(37, 3);
        assertArrayEquals(new long[]{3}, Tensors.shape(t));
        assertArrayEquals(new float[]{37, 37, 37}, Tensors.toFloats(t));
        assertEquals(torch.ScalarType.Long, Tensors.dtype(t));
    }
}
