package dev.retouch.diffusion.pipeline;

import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.retouch.diffusion.model.TinyLatentDiffusion.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latent pipelines on a tiny untrained bundle (16×16 images, 4×8×8 latents). */
class LatentPipelinesTest {
    private static LatentDiffusion ld;
    private static final List<String> NO_WARNINGS = new ArrayList<>();

    @BeforeAll
    static void tinyModel() {
        torch.set_num_threads(1);
        ld = TinyLatentDiffusion.create(0);
    }

    private static PromptStates states(String prompt, String negative) {
        return PromptStates.encode(ld, List.of(prompt), negative, NO_WARNINGS::add);
    }

    private static Scheduler ddim(int steps) {
        return DDIMScheduler.of(ld.schedule(), steps);
    }

    /** The loop with the UNet on one context only (no guidance), from the noise generate() draws for seed. */
    private static Tensor plainRun(Tensor context, long seed, int steps) {
        Tensor zT = Tensors.randn(Tensors.generator(seed), 1, 4, 8, 8);
        Denoiser plain = (x, t) -> ld.unet().forward(x, PixelPipelines.timestepTensor(t, x.size(0)), context);
        return DenoiseLoop.run(plain, ddim(steps), zT, null, LoopHooks.NONE);
    }

    @Test
    void guidanceOneIsTheConditionalModelAndZeroTheUnconditional() {
        PromptStates s = states("red heart", "");
        Tensor g1 = LatentPipelines.generateLatents(ld, s, 1.0, 1, ddim(4), Tensors.generator(1), LoopHooks.NONE);
        assertTrue(maxAbsDiff(g1, plainRun(s.prompt(), 1, 4)) < 1e-6, "g = 1: " + maxAbsDiff(g1, plainRun(s.prompt(), 1, 4)));
        Tensor g0 = LatentPipelines.generateLatents(ld, s, 0.0, 1, ddim(4), Tensors.generator(1), LoopHooks.NONE);
        assertTrue(maxAbsDiff(g0, plainRun(s.negative(), 1, 4)) < 1e-6, "g = 0");
        assertTrue(maxAbsDiff(g0, g1) > 1e-3, "the prompt matters to the (untrained) model");
    }

    @Test
    void oneBatchedPassEqualsSeparatePassesCombined() {
        PromptStates s = states("cat face", "left arrow");
        GuidedDenoiser d = s.denoiser(ld, 3.0);
        assertEquals(2, d.branches());
        Tensor x = Tensors.randn(Tensors.generator(2), 1, 4, 8, 8);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor t = PixelPipelines.timestepTensor(500, 1);
            Tensor epsC = ld.unet().forward(x, t, s.prompt());
            Tensor epsU = ld.unet().forward(x, t, s.negative());
            Tensor want = epsU.add(epsC.sub(epsU).mul(Tensors.s(3.0)));
            assertTrue(maxAbsDiff(want, d.predict(x, 500)) < 1e-5, "batched " + maxAbsDiff(want, d.predict(x, 500)));
        }
    }

    @Test
    void theNegativePromptIsTheUnconditionalBranch() {
        Tensor plain = LatentPipelines.generateLatents(ld, states("sun with face", ""), 3.0, 1, ddim(3),
                Tensors.generator(3), LoopHooks.NONE);
        Tensor negative = LatentPipelines.generateLatents(ld, states("sun with face", "red heart"), 3.0, 1, ddim(3),
                Tensors.generator(3), LoopHooks.NONE);
        assertTrue(maxAbsDiff(plain, negative) > 1e-3, "a negative prompt changes the result");
        // with g = 0 only the negative branch runs: it is generation from the negative prompt
        Tensor fromNegative = LatentPipelines.generateLatents(ld, states("red heart", ""), 1.0, 1, ddim(3),
                Tensors.generator(3), LoopHooks.NONE);
        Tensor g0 = LatentPipelines.generateLatents(ld, states("sun with face", "red heart"), 0.0, 1, ddim(3),
                Tensors.generator(3), LoopHooks.NONE);
        assertTrue(maxAbsDiff(fromNegative, g0) < 1e-4, "the same states up to batching: " + maxAbsDiff(fromNegative, g0));
    }

    @Test
    void imagesFollowTheSeedAndCountGivesImagesPerPrompt() {
        PromptStates s = PromptStates.encode(ld, List.of("red heart", "thumbs up"), "", NO_WARNINGS::add);
        Tensor a = LatentPipelines.generate(ld, s, 2.0, 2, ddim(3), Tensors.generator(5), LoopHooks.NONE);
        assertArrayEquals(new long[]{4, 3, 16, 16}, Tensors.shape(a), "2 prompts × 2 images");
        for (float v : Tensors.toFloats(a)) {
            assertTrue(v >= -1 && v <= 1, "decoded and clamped: " + v);
        }
        Tensor again = LatentPipelines.generate(ld, s, 2.0, 2, ddim(3), Tensors.generator(5), LoopHooks.NONE);
        assertArrayEquals(Tensors.toFloats(a), Tensors.toFloats(again), "same seed, same images");
        Tensor other = LatentPipelines.generate(ld, s, 2.0, 2, ddim(3), Tensors.generator(6), LoopHooks.NONE);
        assertTrue(maxAbsDiff(a, other) > 1e-3, "another seed, other images");
        assertTrue(maxAbsDiff(a.narrow(0, 0, 1), a.narrow(0, 1, 1)) > 1e-3, "two images of one prompt differ");
    }

    @Test
    void negativeGuidanceIsRefusedAndTheEmptyPromptAllowed() {
        PromptStates s = states("", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatentPipelines.generate(ld, s,
                -0.5, 1, ddim(2), Tensors.generator(1), LoopHooks.NONE));
        assertTrue(e.getMessage().contains("guidance scale") && e.getMessage().contains("-0.5"), e.getMessage());
        Tensor img = LatentPipelines.generate(ld, s, 7.5, 1, ddim(2), Tensors.generator(1), LoopHooks.NONE);
        assertTrue(Tensors.allFinite(img));
    }

    @Test
    void longPromptsAreTruncatedWithAWarning() {
        List<String> warnings = new ArrayList<>();
        String long_ = "grinning face with red heart and party popper and thumbs up";
        PromptStates s = PromptStates.encode(ld, List.of(long_, "cat"), "", warnings::add);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("grinning face with") && warnings.get(0).contains("8-token context"),
                warnings.get(0));
        assertArrayEquals(new long[]{2, 8, 16}, Tensors.shape(s.prompt()));
        assertArrayEquals(Tensors.toFloats(s.negative().select(0, 0)), Tensors.toFloats(s.negative().select(0, 1)));
    }

    @Test
    void img2imgWithATinyStrengthStaysNearTheAutoencoderRoundTrip() {
        Tensor x = TinyLatentDiffusion.images(7, 1);
        PromptStates s = states("red heart", "");
        Tensor roundTrip = ld.decode(ld.encode(x));
        List<Integer> seen = new ArrayList<>();
        LoopHooks record = new LoopHooks((out, z, t) -> {
            seen.add(t);
            return out;
        }, null, null);
        Tensor tiny = LatentPipelines.img2img(ld, x, s, 3.0, 0.02, 50, Tensors.generator(8), record);
        assertEquals(List.of(0), seen, "⌊50 · 0.02⌋ = 1 step, the last");
        Tensor full = LatentPipelines.img2img(ld, x, s, 3.0, 1.0, 50, Tensors.generator(8), LoopHooks.NONE);
        // measured: mean |difference| 0.048 at strength 0.02, 0.31 at strength 1 (random decoder, pixels in [−1, 1])
        double near = meanAbsDiff(tiny, roundTrip);
        double far = meanAbsDiff(full, roundTrip);
        assertTrue(near < 0.08 && far > 4 * near, "strength 0.02: " + near + ", strength 1: " + far);
        seen.clear();
        LatentPipelines.img2img(ld, x, s, 3.0, 0.5, 10, Tensors.generator(8), record);
        assertEquals(List.of(400, 300, 200, 100, 0), seen);
    }

    @Test
    void img2imgValidatesStrengthAndImageSize() {
        Tensor x = TinyLatentDiffusion.images(9, 1);
        PromptStates s = states("red heart", "");
        for (double bad : new double[]{0, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatentPipelines.img2img(ld,
                    x, s, 3.0, bad, 10, Tensors.generator(1), LoopHooks.NONE));
            assertTrue(e.getMessage().contains("strength must be in (0, 1]"), e.getMessage());
        }
        Tensor odd = Tensors.rand(Tensors.generator(1), 1, 3, 12, 16);
        RetouchException e = assertThrows(RetouchException.class, () -> LatentPipelines.img2img(ld, odd, s, 3.0, 0.5,
                10, Tensors.generator(1), LoopHooks.NONE));
        assertTrue(e.getMessage().contains("[1, 3, 12, 16]") && e.getMessage().contains("multiples of 8"), e.getMessage());
        assertArrayEquals(new int[]{9, 6, 3}, LatentPipelines.strengthTimesteps(new int[]{12, 9, 6, 3}, 0.75));
        assertArrayEquals(new int[]{3}, LatentPipelines.strengthTimesteps(new int[]{12, 9, 6, 3}, 0.01), "at least one");
    }

    private static double meanAbsDiff(Tensor a, Tensor b) {
        return Tensors.toFloats(a.sub(b).abs().mean())[0];
    }

    private static double inversionError(LatentDiffusion model, Tensor z0, PromptStates s, int steps) {
        int[] ts = PixelPipelines.ddimTimesteps(model.schedule(), steps);
        Tensor zT = LatentPipelines.invert(model, z0, s, 1.0, ts, LoopHooks.NONE);
        double error = meanAbsDiff(LatentPipelines.regenerate(model, zT, s, 1.0, ts, LoopHooks.NONE), z0);
        assertTrue(meanAbsDiff(zT, z0) > 0.1, "the inverted latents are far from the input: "
                + meanAbsDiff(zT, z0));
        return error;
    }

    /**
     * Inversion is exact up to ε(x_r, t) ≈ ε(x_t, t), so the error shrinks with the step and scales with ∂ε/∂x.
     * Measured mean |ẑ₀ − z₀| for latents of std 0.32: the random tiny UNet (|∂ε/∂x| ≈ 1) 0.31 at 50 steps and 0.16
     * at 200; the same UNet with its output scaled by 0.1 (|∂ε/∂x| ≈ 0.1) about 0.015 at 50 steps.
     */
    @Test
    void ddimInversionThenRegenerationRecoversTheLatents() {
        Tensor x = TinyLatentDiffusion.images(10, 1);
        PromptStates s = states("left arrow", "");
        Tensor z0 = ld.encode(x);
        double e50 = inversionError(ld, z0, s, 50);
        double e200 = inversionError(ld, z0, s, 200);
        assertTrue(e50 < 0.4 && e200 < 0.7 * e50, "smaller steps, smaller error: 50 steps " + e50 + ", 200 steps " + e200);

        LatentDiffusion smooth = TinyLatentDiffusion.create(0);
        TinyLatentDiffusion.scaleOutput(smooth, 0.1);
        PromptStates s2 = PromptStates.encode(smooth, List.of("left arrow"), "", NO_WARNINGS::add);
        double e = inversionError(smooth, z0, s2, 50);
        assertTrue(e < 0.025, "mean |ẑ₀ − z₀| = " + e + " at 50 steps");

        LatentPipelines.Reconstruction r = LatentPipelines.reconstruct(smooth, x, s2, 50, LoopHooks.NONE);
        assertEquals(e, meanAbsDiff(r.latents(), z0), 1e-7, "reconstruct = encode, invert, regenerate");
        assertArrayEquals(new long[]{1, 3, 16, 16}, Tensors.shape(r.image()));
        assertTrue(meanAbsDiff(r.image(), smooth.decode(z0)) < 0.05, "and decodes to the autoencoder's round trip");
    }

    @Test
    void diffEditKeepsTheLatentsOutsideItsMask() {
        Tensor x = TinyLatentDiffusion.images(11, 1);
        Tensor q = ld.textStates(List.of("red heart"), NO_WARNINGS::add);
        Tensor r = ld.textStates(List.of("cat face"), NO_WARNINGS::add);
        Tensor u = ld.textStates(List.of(""), NO_WARNINGS::add);
        DiffEdit.Options o = new DiffEdit.Options(0.5, 10, 3.0, DiffEditMask.Options.defaults());
        Tensor roundTrip = ld.decode(ld.encode(x)).clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
        // the same text on both sides: an empty mask, so every latent is the image's own (the autoencoder's round trip)
        DiffEdit.Result same = DiffEdit.edit(ld, x, q, q, u, o, Tensors.generator(1), LoopHooks.NONE);
        assertEquals(0, same.mask().count());
        assertEquals(0.0, maxAbsDiff(same.image(), roundTrip), "no mask: the input's latents, decoded");
        assertEquals(5, same.steps(), "the last ⌊10 · 0.5⌋ steps");
        // other texts: a partial mask, and the output moves away from the round trip
        DiffEdit.Result edit = DiffEdit.edit(ld, x, q, r, u, o, Tensors.generator(1), LoopHooks.NONE);
        assertTrue(edit.mask().count() > 0 && edit.mask().count() < 256, "mask pixels " + edit.mask().count());
        assertTrue(maxAbsDiff(edit.image(), roundTrip) > 1e-3, "the masked part changed");
        assertEquals(0.0, maxAbsDiff(edit.image(), DiffEdit.edit(ld, x, q, r, u, o, Tensors.generator(1),
                LoopHooks.NONE).image()), "seeded");
    }

    @Test
    void diffEditMaskIsEmptyForTheSameTextAndNormalisedOtherwise() {
        Tensor x = TinyLatentDiffusion.images(11, 1);
        Tensor q = ld.textStates(List.of("red heart"), NO_WARNINGS::add);
        Tensor r = ld.textStates(List.of("cat face"), NO_WARNINGS::add);
        DiffEditMask.Options o = DiffEditMask.Options.defaults();
        DiffEditMask same = DiffEditMask.compute(ld, x, q, q, o, Tensors.generator(1));
        assertEquals(0, same.mask().count(), "no difference, no mask");
        assertEquals(0.0, Tensors.toFloats(same.relevance().abs().max())[0]);

        DiffEditMask m = DiffEditMask.compute(ld, x, q, r, o, Tensors.generator(1));
        assertArrayEquals(new long[]{1, 1, 16, 16}, Tensors.shape(m.relevance()));
        assertEquals(16, m.mask().width());
        float[] v = Tensors.toFloats(m.relevance());
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (int i = 0; i < v.length; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
            assertEquals(v[i] >= 0.5f, m.mask().inside(i), "binarised at 0.5");
        }
        assertTrue(lo >= 0 && hi <= 1 && hi > 0.5, "in [0, 1]: " + lo + " … " + hi);
        assertTrue(m.mask().count() > 0 && m.mask().count() < 256, "a part of the image: " + m.mask().count());
        assertArrayEquals(v, Tensors.toFloats(DiffEditMask.compute(ld, x, q, r, o, Tensors.generator(1)).relevance()),
                "seeded");
        assertFalse(Arrays.equals(v, Tensors.toFloats(DiffEditMask.compute(ld, x, q, r, o, Tensors.generator(2))
                .relevance())), "other noise draws");
    }

    @Test
    void blurIsNormalisedAtTheBorders() {
        Tensor ones = torch.ones(1, 1, 6, 5);
        assertTrue(maxAbsDiff(DiffEditMask.blur(ones, 1.5), ones) < 1e-6, "a constant map stays constant");
        Tensor spike = torch.zeros(1, 1, 15, 15);
        spike.select(2, 7).select(2, 7).fill_(Tensors.s(1));
        Tensor b = DiffEditMask.blur(spike, 1.0);
        assertEquals(1.0, Tensors.toFloats(b.sum())[0], 1e-5, "mass is kept away from the borders");
        assertEquals(Tensors.toFloats(b.select(2, 7).select(2, 6))[0], Tensors.toFloats(b.select(2, 6).select(2, 7))[0],
                1e-7, "isotropic");
    }
}
