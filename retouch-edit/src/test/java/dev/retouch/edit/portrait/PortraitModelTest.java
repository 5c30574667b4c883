package dev.retouch.edit.portrait;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Placement;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.schedule.UniPCMultistepScheduler;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paper 003's multi-conditioned model on a tiny base: initialisation, guidance, mask, edit, save/load, training. */
class PortraitModelTest {
    @TempDir
    Path tmp;

    private static LatentDiffusion base;
    private static Mcdm mcdm;
    private static PortraitModel model;

    @BeforeAll
    static void build() {
        torch.set_num_threads(1);
        base = TinyLatentDiffusion.create(0);
        mcdm = Mcdm.create(base.unet(), base.unet().config(), base.model().latentSize(),
                PortraitModel.clipTokens(base), Tensors.generator(1));
        // move the zero-initialised parts off their start so that every condition matters in the tests below
        try (NoGradGuard ignored = new NoGradGuard()) {
            mcdm.stateDict().forEach((k, t) -> t.add_(Tensors.randn(Tensors.generator(k.hashCode()), Tensors.shape(t))
                    .mul(Tensors.s(0.05))));
        }
        mcdm.eval();
        model = new PortraitModel(config(PortraitConfig.Variant.FULL), mcdm, base);
    }

    static PortraitConfig config(PortraitConfig.Variant v) {
        return new PortraitConfig(PortraitConfig.TYPE, PortraitConfig.FORMAT_VERSION, "../ldm", "man-woman", "person",
                List.of("woman", "man"), Mcdm.widen(base.unet().config()), PortraitModel.clipTokens(base), v, 0);
    }

    private static double diff(Tensor a, Tensor b) {
        return TinyLatentDiffusion.maxAbsDiff(a, b);
    }

    private static RgbImage image(long seed) {
        return ImageTensors.fromTensor(TinyLatentDiffusion.images(seed, 1));
    }

    @Test
    void aNewModelIsTheBaseUnetWithZeroSpatialChannelsAndAPassThroughAdapter() {
        Mcdm fresh = Mcdm.create(base.unet(), base.unet().config(), base.model().latentSize(),
                PortraitModel.clipTokens(base), Tensors.generator(1));
        Tensor w = fresh.unet().namedParameters().get("conv_in.weight");
        assertArrayEquals(new long[]{8, 8, 3, 3}, Tensors.shape(w));
        assertEquals(0, diff(w.narrow(1, 0, 4), base.unet().namedParameters().get("conv_in.weight")));
        assertEquals(0, w.narrow(1, 4, 4).abs().max().item_double());
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor z = Tensors.randn(Tensors.generator(2), 2, 4, 8, 8);
            Tensor text = base.textStates(List.of("cat face", "red heart"), m -> { });
            Tensor clip = Tensors.randn(Tensors.generator(3), 2, 5, 16);
            Tensor image = fresh.adapter().forward(z, clip);
            assertTrue(diff(image, clip) < 1e-6, "the adapter starts as the identity on the CLIP tokens");
            Tensor t = Tensors.ofLongs(new long[]{500, 100}, 2);
            Tensor a = fresh.forward(z, t, Tensors.randn(Tensors.generator(4), 2, 4, 8, 8), text, image);
            Tensor b = fresh.forward(z, t, torch.zeros_like(z), text, image);
            assertTrue(diff(a, b) < 1e-6, "the spatial input has no effect before training");
        }
    }

    @Test
    void threeScaleGuidanceIsTheNestedCombination() {
        PortraitEditor editor = new PortraitEditor(model);
        try (NoGradGuard ignored = new NoGradGuard()) {
            PortraitEditor.Conditions c = editor.conditions(ImageTensors.toTensor(image(5)), "woman");
            Tensor z = Tensors.randn(Tensors.generator(6), 1, 4, 8, 8);
            Tensor t = Tensors.ofLongs(new long[]{400}, 1);
            Tensor zs = torch.zeros_like(c.spatial());
            Tensor zi = torch.zeros_like(c.image());
            Tensor e0 = mcdm.forward(z, t, zs, c.empty(), zi);
            Tensor e1 = mcdm.forward(z, t, zs, c.empty(), c.image());
            Tensor e2 = mcdm.forward(z, t, c.spatial(), c.empty(), c.image());
            Tensor e3 = mcdm.forward(z, t, c.spatial(), c.target(), c.image());
            Tensor e4 = mcdm.forward(z, t, c.spatial(), c.source(), c.image());
            Tensor[] g = editor.guided(c, new PortraitEditRequest.Scales(1, 1, 1), z, 400, true);
            assertTrue(diff(g[0], e3) < 1e-5, "all scales 1: the fully conditional model");
            assertTrue(diff(g[1], e4) < 1e-5, "the same under the source prompt");
            assertTrue(diff(editor.guided(c, new PortraitEditRequest.Scales(0, 0, 0), z, 400, false)[0], e0) < 1e-5);
            Tensor expected = e0.add(e1.sub(e0).mul(Tensors.s(3))).add(e2.sub(e1).mul(Tensors.s(2)))
                    .add(e3.sub(e2).mul(Tensors.s(4)));
            assertTrue(diff(editor.guided(c, PortraitEditRequest.Scales.CODE, z, 400, false)[0], expected) < 1e-4);
            assertTrue(diff(e1, e0) > 1e-4 && diff(e2, e1) > 1e-4 && diff(e3, e2) > 1e-4, "each condition matters");
        }
    }

    @Test
    void masksAreBinaryForThePaperSoftForTheCodeAndAllOnAtThresholdZero() {
        PortraitEditor editor = new PortraitEditor(model);
        try (NoGradGuard ignored = new NoGradGuard()) {
            PortraitEditor.Conditions c = editor.conditions(ImageTensors.toTensor(image(7)), "woman");
            var scheduler = UniPCMultistepScheduler.of(base.schedule(), 20);
            PortraitEditRequest paper = new PortraitEditRequest(image(7), "woman", PortraitEditRequest.Scales.PAPER,
                    20, MaskSettings.PAPER, 1);
            float[] m = Tensors.toFloats(editor.mask(c, c.latent(), paper, scheduler, Tensors.generator(1)));
            int on = 0;
            for (float v : m) {
                assertTrue(v == 0f || v == 1f);
                on += (int) v;
            }
            assertTrue(on > 0 && on < m.length, "some but not all latent cells are edited: " + on);
            PortraitEditRequest code = new PortraitEditRequest(image(7), "woman", PortraitEditRequest.Scales.PAPER,
                    20, MaskSettings.CODE, 1);
            float[] soft = Tensors.toFloats(editor.mask(c, c.latent(), code, scheduler, Tensors.generator(1)));
            boolean fractional = false;
            for (float v : soft) {
                assertTrue(v >= 0f && v <= 1f);
                fractional |= v > 0f && v < 1f;
            }
            assertTrue(fractional, "the official code's mask is soft");
            PortraitEditRequest all = new PortraitEditRequest(image(7), "woman", PortraitEditRequest.Scales.PAPER,
                    20, MaskSettings.PAPER.withThreshold(0), 1);
            for (float v : Tensors.toFloats(editor.mask(c, c.latent(), all, scheduler, Tensors.generator(1)))) {
                assertEquals(1f, v);
            }
        }
    }

    @Test
    void anEditIsReproducibleMaskedAndChecksItsRequest() {
        PortraitEditor editor = new PortraitEditor(model);
        PortraitEditRequest r = new PortraitEditRequest(image(9), "woman", PortraitEditRequest.Scales.PAPER, 4,
                MaskSettings.PAPER, 3);
        PortraitEditResult a = editor.edit(r);
        PortraitEditResult b = editor.edit(r);
        assertArrayEquals(a.image().chw(), b.image().chw(), "same request, same image");
        assertEquals(16, a.image().width());
        assertEquals(16, a.mask().width());
        PortraitEditResult other = editor.edit(new PortraitEditRequest(image(9), "woman",
                PortraitEditRequest.Scales.PAPER, 4, MaskSettings.PAPER, 4));
        assertNotEquals(0, diff(ImageTensors.toTensor(a.image()), ImageTensors.toTensor(other.image())));
        assertNull(editor.edit(new PortraitEditRequest(image(9), "woman", PortraitEditRequest.Scales.PAPER, 4,
                MaskSettings.OFF, 3)).mask());
        assertThrows(InvalidRequestException.class, () -> editor.edit(new PortraitEditRequest(image(9), "cat",
                PortraitEditRequest.Scales.PAPER, 4, MaskSettings.PAPER, 3)));
        assertThrows(InvalidRequestException.class, () -> new PortraitEditRequest.Scales(3, -1, 5));
        assertThrows(InvalidRequestException.class, () -> PortraitEditRequest.Scales.parse("3,3"));
        assertEquals(new PortraitEditRequest.Scales(1, 2, 3), PortraitEditRequest.Scales.parse("1, 2,3"));
        assertThrows(InvalidRequestException.class, () -> MaskSettings.parseMode("soft"));
        assertEquals(MaskSettings.Mode.OFF, MaskSettings.defaultMode("expression"));
        assertEquals(MaskSettings.Mode.CODE, MaskSettings.defaultMode("man-woman"));
        assertEquals(MaskSettings.Blend.LATENT, MaskSettings.of(MaskSettings.Mode.CODE, 0.35, 10, null).blend());
        assertEquals(MaskSettings.Blend.PREDICTION, MaskSettings.of(MaskSettings.Mode.PAPER, 0.35, 10, null).blend());
    }

    /**
     * Placed in half precision (the CPU in fp16 standing in for CUDA, as in the diffusion module's PlacementTest),
     * every mask setting edits within float16's tolerance of the float32 model: latents stay float32, images come back
     * float32 on the CPU, and the seed draws the same noise.
     */
    @Test
    void aModelPlacedInHalfPrecisionEditsCloseToFloat32() {
        Placement half = new Placement("cpu", Placement.Precision.FP16);
        LatentDiffusion base2 = TinyLatentDiffusion.create(0);
        Mcdm mcdm2 = new Mcdm(model.config().unet(), base2.model().latentSize(), model.config().imageTokens());
        mcdm2.loadStateDict(mcdm.stateDict(), true);
        mcdm2.eval();
        PortraitModel placed = new PortraitModel(model.config(), mcdm2, base2).placeOn(half);
        assertEquals(half, placed.placement());
        assertEquals(half, placed.base().placement());
        mcdm2.stateDict().forEach((k, t) -> assertEquals(torch.ScalarType.Half, Tensors.dtype(t), k));
        for (MaskSettings m : List.of(MaskSettings.OFF, MaskSettings.PAPER,
                MaskSettings.of(MaskSettings.Mode.CODE, 0.35, 2, null))) {
            PortraitEditRequest r = new PortraitEditRequest(image(9), "woman", PortraitEditRequest.Scales.PAPER, 4, m,
                    3);
            PortraitEditResult a = new PortraitEditor(model).edit(r);
            PortraitEditResult b = new PortraitEditor(placed).edit(r);
            Tensor ia = ImageTensors.toTensor(a.image());
            Tensor ib = ImageTensors.toTensor(b.image());
            double worst = diff(ia, ib);
            double mean = ia.sub(ib).abs().mean().item_double();
            // the code's soft mask (capped at 3× its mean) passes fp16 rounding on to a few pixels: max 0.1, mean 0.01
            assertTrue(worst > 0 && worst < 0.1 && mean < 0.01, m.mode() + ": fp16 vs fp32 max " + worst + " mean "
                    + mean);
            assertEquals(a.mask() == null, b.mask() == null);
        }
    }

    @Test
    void theLatentBlendKeepsTheSourceOutsideTheMask() {
        PortraitEditor editor = new PortraitEditor(model);
        RgbImage in = image(13);
        // threshold 1: after the blur no latent cell reaches the maximum, so the mask is empty and the result is
        // the source latent decoded (the blend's last step puts the source itself outside the mask)
        MaskSettings empty = MaskSettings.PAPER.withThreshold(1.0).withBlend(MaskSettings.Blend.LATENT);
        PortraitEditResult r = editor.edit(new PortraitEditRequest(in, "woman", PortraitEditRequest.Scales.PAPER, 4,
                empty, 1));
        for (float v : r.mask().values()) {
            assertEquals(0f, v);
        }
        Tensor expected;
        try (NoGradGuard ignored = new NoGradGuard()) {
            expected = base.decode(base.encode(ImageTensors.toTensor(in)));
        }
        assertTrue(diff(ImageTensors.toTensor(r.image()), expected) < 1e-5, "the autoencoder's reconstruction");
        PortraitEditResult all = editor.edit(new PortraitEditRequest(in, "woman", PortraitEditRequest.Scales.PAPER, 4,
                MaskSettings.PAPER.withThreshold(0).withBlend(MaskSettings.Blend.LATENT), 1));
        PortraitEditResult none = editor.edit(new PortraitEditRequest(in, "woman", PortraitEditRequest.Scales.PAPER, 4,
                MaskSettings.OFF, 1));
        assertTrue(diff(ImageTensors.toTensor(all.image()), ImageTensors.toTensor(none.image())) < 1e-5,
                "a full mask edits as no mask does");
        assertThrows(InvalidRequestException.class, () -> MaskSettings.parseBlend("alpha"));
    }

    @Test
    void aSavedModelLoadsWithItsBaseAndRefusesAnotherBase() {
        Path ldm = TinyLatentDiffusion.save(base, tmp);
        Path dir = tmp.resolve("portrait");
        PortraitModel.save(dir, config(PortraitConfig.Variant.FULL), mcdm.stateDict(), "# test\n");
        PortraitModel loaded = PortraitModel.load(dir);
        assertEquals("man-woman", loaded.config().task());
        PortraitEditRequest r = new PortraitEditRequest(image(2), "man", PortraitEditRequest.Scales.PAPER, 3,
                MaskSettings.OFF, 0);
        double d = diff(ImageTensors.toTensor(new PortraitEditor(model).edit(r).image()),
                ImageTensors.toTensor(new PortraitEditor(loaded).edit(r).image()));
        assertTrue(d < 0.05, "fp16 weights give nearly the same edit: " + d);
        assertTrue(ldm.toFile().isDirectory());
        // a store placed elsewhere places the portrait model there, on the store's own (placed) base
        Placement half = new Placement("cpu", Placement.Precision.FP16);
        dev.retouch.edit.ModelStore placed = dev.retouch.edit.ModelStore.of(tmp).placedOn(half);
        PortraitModel onHalf = placed.portrait(dir.toString());
        assertEquals(half, onHalf.placement());
        assertSame(placed.latent(ldm.toString()), onHalf.base());
        assertEquals(Placement.CPU, dev.retouch.edit.ModelStore.of(tmp).portrait(dir.toString()).placement());
        RetouchException e = assertThrows(RetouchException.class, () -> PortraitModel.load(dir, p -> {
            throw new RetouchException("not a latent model");
        }));
        assertTrue(e.getMessage().contains("base model"), e.getMessage());
        PortraitConfig wrong = new PortraitConfig(PortraitConfig.TYPE, PortraitConfig.FORMAT_VERSION, "../ldm",
                "man-woman", "person", List.of("woman"), Mcdm.widen(new dev.retouch.diffusion.unet.UNet2DConditionConfig(
                8, 4, 4, List.of(16, 16, 16), 1, List.of(false, true, true), 16, 0, 8, 1, false, 4, 1e-5, 0.0, true, 0)),
                5, PortraitConfig.Variant.FULL, 0);
        RetouchException mismatch = assertThrows(RetouchException.class, () -> PortraitModel.check(wrong, base, "x"));
        assertTrue(mismatch.getMessage().contains("not the one the portrait model was trained from"));
    }

    @Test
    void trainingDrawsReconstructionsAndConditionDropoutReproducibly() {
        Tensor images = TinyLatentDiffusion.images(11, 6);
        PortraitModel.Conditions c;
        Tensor target;
        Tensor text;
        Tensor prompts;
        try (NoGradGuard ignored = new NoGradGuard()) {
            c = PortraitModel.conditions(base, images);
            target = base.encode(TinyLatentDiffusion.images(12, 6));
            text = base.textStates(List.of("woman", "man", "woman", "man", "woman", "man"), m -> { });
            prompts = base.textStates(List.of("person", ""), m -> { });
        }
        PortraitTrainTask.Data data = new PortraitTrainTask.Data(c.spatial(), target, c.clipTokens(), text,
                prompts.narrow(0, 0, 1), prompts.narrow(0, 1, 1));
        PortraitTrainTask task = new PortraitTrainTask(mcdm, base.schedule(), data, PortraitConfig.Variant.FULL);
        double a;
        double b;
        try (NoGradGuard ignored = new NoGradGuard()) {
            a = task.loss(6, Tensors.generator(1)).item_double();
            b = task.loss(6, Tensors.generator(1)).item_double();
        }
        assertTrue(Double.isFinite(a) && a > 0);
        assertEquals(a, b, 0.0);
        Tensor loss = task.loss(6, Tensors.generator(2));
        loss.backward();
        assertTrue(mcdm.adapter().namedParameters().get("latent_proj.weight").grad().abs().sum().item_double() > 0,
                "the adapter trains");
        mcdm.parameters().forEach(p -> {
            if (p.grad().defined()) {
                p.grad().zero_();
            }
        });
        long[] subsets = {0, 1, 2, 3, 4, 5, 6, 7};
        assertArrayEquals(new float[]{1, 0, 1, 0, 1, 0, 1, 0}, Tensors.toFloats(PortraitTrainTask.keep(subsets, 1, true)));
        assertArrayEquals(new float[]{1, 1, 0, 0, 1, 1, 0, 0}, Tensors.toFloats(PortraitTrainTask.keep(subsets, 2, true)));
        assertArrayEquals(new float[]{1, 1, 1, 1, 0, 0, 0, 0}, Tensors.toFloats(PortraitTrainTask.keep(subsets, 4, true)));
        assertArrayEquals(new float[8], Tensors.toFloats(PortraitTrainTask.keep(subsets, 1, false)), "an ablated "
                + "condition is always null");
        assertThrows(IllegalArgumentException.class, () -> new PortraitTrainTask.Data(c.spatial(), target.narrow(0, 0, 2),
                c.clipTokens(), text, prompts.narrow(0, 0, 1), prompts.narrow(0, 1, 1)));
    }
}
