package dev.retouch.edit.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paper 002's editing: the directional CLIP loss, Algorithm 1's task, edit directories, the baseline's chain. */
class RectifierEditTest {
    @TempDir
    Path tmp;

    private static Tensor images(long seed, int n, int s) {
        return Tensors.rand(Tensors.generator(seed), n, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    @Test
    void theDirectionalLossIsOneMinusTheCosineOfImageAndTextChanges() {
        try (PointerScope ignored = new PointerScope()) {
            Clip clip = TinyLatentDiffusion.clip(1);
            DirectionalClipLoss loss = new DirectionalClipLoss(clip, "grinning face", "cat face");
            Tensor originals = images(2, 3, 8);
            Tensor edited = images(3, 3, 8).requires_grad_(true);
            Tensor got = loss.loss(edited, loss.imageFeatures(originals).detach());
            // by hand, from the CLIP model's own features
            int side = clip.model().config().vision().imageSize();
            ClipModel m = clip.model();
            Tensor fe = ClipModel.normalize(m.imageFeatures(torch.upsample_bilinear2d(edited.detach(), new long[]{side, side}, false)));
            Tensor fo = ClipModel.normalize(m.imageFeatures(torch.upsample_bilinear2d(originals, new long[]{side, side}, false)));
            Tensor ft = ClipModel.normalize(m.textFeatures(clip.tokenize(List.of("grinning face", "cat face")).ids()));
            float[] di = Tensors.toFloats(fe.sub(fo));
            float[] dt = Tensors.toFloats(ft.narrow(0, 1, 1).sub(ft.narrow(0, 0, 1)));
            float[] values = Tensors.toFloats(got.detach());
            int p = dt.length;
            for (int i = 0; i < 3; i++) {
                double ab = 0, aa = 0, bb = 0;
                for (int j = 0; j < p; j++) {
                    ab += di[i * p + j] * dt[j];
                    aa += di[i * p + j] * di[i * p + j];
                    bb += dt[j] * dt[j];
                }
                assertEquals(1 - ab / Math.sqrt(aa * bb), values[i], 1e-5, "image " + i);
            }
            float[] align = loss.alignment(originals, edited.detach());
            for (int i = 0; i < 3; i++) {
                assertEquals(1 - values[i], align[i], 1e-5);
            }
            // gradients reach the edited images, never the frozen CLIP model
            got.sum().backward();
            assertTrue(edited.grad().defined() && RectifierTest.maxAbs(edited.grad()) > 0);
            assertTrue(m.parameters().stream().noneMatch(q -> q.grad().defined()), "CLIP must stay frozen");
        }
    }

    @Test
    void identicalPromptsHaveNoDirection() {
        Clip clip = TinyLatentDiffusion.clip(1);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> new DirectionalClipLoss(clip, "cat face", " Cat face "));
        assertTrue(e.getMessage().contains("the same"), e.getMessage());
    }

    @Test
    void algorithmOneStartsFromTheOriginalTrajectoryAndTrainsOnlyTheRectifier() {
        try (PointerScope ignored = new PointerScope()) {
            PixelDiffusionModel base = RectifierTest.tinyBase(4);
            Rectifier r = new Rectifier(RectifierConfig.forUnet(base.unet(), "x"));
            r.initialize(Tensors.generator(5));
            RectifiedModel model = new RectifiedModel(base, r);
            Clip clip = TinyLatentDiffusion.clip(6);
            Tensor data = images(7, 5, 8);
            DirectionalClipLoss dir = new DirectionalClipLoss(clip, "grinning face", "cat face");
            // λ_CLIP = 0: a new rectifier (Δ = 0) leaves L1 between the base model's one-step x̂₀ at x_t ~ q(x_t|x₀)
            // and x₀, with the same draws as the task's
            RectifierEditTask l1Only = new RectifierEditTask(model, dir, data, 0, 1);
            Tensor loss = l1Only.loss(3, Tensors.generator(11));
            Generator g = Tensors.generator(11);
            TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
            Tensor idx = torch.randint(5, new long[]{3}, new GeneratorOptional(g), longs);
            long[] tv = Tensors.toLongs(torch.randint(1000, new long[]{3}, new GeneratorOptional(g), longs));
            int[] t = {(int) tv[0], (int) tv[1], (int) tv[2]};
            Tensor x0 = data.index_select(0, idx);
            Tensor noise = Tensors.randn(g, 3, 3, 8, 8);
            NoiseSchedule s = base.schedule();
            Tensor xt = s.addNoise(x0, noise, t);
            double expected;
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor x0hat = s.predictX0(base.unet().forward(xt, RectifiedModel.timesteps(t)), xt, t);
                expected = x0hat.sub(x0).abs().mean().item_double();
            }
            assertEquals(expected, loss.item_double(), 1e-5);
            // the full loss: gradients on the rectifier only (its B heads are where Δ starts)
            RectifierEditTask task = new RectifierEditTask(model, dir, data, 1, 1);
            Tensor full = task.loss(3, Tensors.generator(12));
            assertTrue(full.item_double() > 0 && Double.isFinite(full.item_double()));
            full.backward();
            assertTrue(base.unet().parameters().stream().noneMatch(q -> q.grad().defined()), "the base is frozen");
            assertTrue(r.parameters().stream().anyMatch(q -> q.grad().defined() && RectifierTest.maxAbs(q.grad()) > 0));
            assertThrows(IllegalArgumentException.class, () -> new RectifierEditTask(model, dir, data, 0, 0));
        }
    }

    @Test
    void anEditWhoseRectifierIsItsInversionsIsTheReconstruction() throws Exception {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            PixelDiffusionModel base = RectifierTest.tinyBase(8);
            Path baseDir = tmp.resolve("base");
            base.save(baseDir, base.unet().stateDict(), "# tiny\n");
            Rectifier r = new Rectifier(RectifierConfig.forUnet(base.unet(), "../base"));
            r.initialize(Tensors.generator(9));
            // non-zero B heads, so that the rectifier changes the model
            r.stateDict().forEach((k, v) -> {
                if (k.contains("head_b")) {
                    v.copy_(Tensors.randn(Tensors.generator(10), Tensors.shape(v)).mul(Tensors.s(0.05)));
                }
            });
            Rectifier.save(tmp.resolve("recon"), r.config(), r.stateDict(), "# recon\n");
            RectifierEdit.Spec spec = new RectifierEdit.Spec("grinning face", "cat face", "../recon", 1, 1,
                    "test:face-", 3, 2);
            RectifierEdit.save(tmp.resolve("edit"), r.config(), r.stateDict(), spec, "# edit\n");
            assertTrue(RectifierEdit.isEdit(tmp.resolve("edit")));
            assertFalse(RectifierEdit.isEdit(tmp.resolve("recon")));
            assertEquals(spec, RectifierEdit.spec(tmp.resolve("edit")));

            PixelDiffusionModel loaded = PixelDiffusionModel.load(baseDir);
            RectifierEdit edit = RectifierEdit.of(loaded, baseDir, tmp.resolve("edit"), n -> {
                throw new AssertionError("by path only");
            });
            Tensor x0 = images(11, 2, 8);
            Tensor got = edit.apply(x0, 5, LoopHooks.NONE);
            RectifiedModel recon = RectifiedModel.of(loaded, baseDir, tmp.resolve("recon"), n -> null);
            Tensor want = recon.reconstruct(x0, 5, LoopHooks.NONE).image()
                    .clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1)));
            assertTrue(RectifierTest.maxAbs(got.sub(want)) < 1e-5, "max diff " + RectifierTest.maxAbs(got.sub(want)));
            assertThrows(InvalidRequestException.class, () -> edit.apply(x0, 0, LoopHooks.NONE));

            // bound to its base model: another model directory is refused, naming both
            Path other = tmp.resolve("other");
            RectifierTest.tinyBase(99).save(other, RectifierTest.tinyBase(99).unet().stateDict(), "# other\n");
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> RectifierEdit.of(PixelDiffusionModel.load(other), other, tmp.resolve("edit"), n -> null));
            assertTrue(e.getMessage().contains("was trained for"), e.getMessage());
            // a plain rectifier is not an edit; a broken edit.json is named
            RetouchException notEdit = assertThrows(RetouchException.class, () -> RectifierEdit.spec(tmp.resolve("recon")));
            assertTrue(notEdit.getMessage().contains("not a rectifier edit"), notEdit.getMessage());
            Json.write(tmp.resolve("edit").resolve(RectifierEdit.SPEC_FILE), Map.of("type", "sine"));
            RetouchException broken = assertThrows(RetouchException.class, () -> RectifierEdit.spec(tmp.resolve("edit")));
            assertTrue(broken.getMessage().contains(RectifierEdit.SPEC_FILE), broken.getMessage());
        }
    }

    @Test
    void editImagesFromAFolderOrNone() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("faces"));
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        InvalidRequestException empty = assertThrows(InvalidRequestException.class, () -> EditImages.load(
                folder.toString(), 8, Long.MAX_VALUE, () -> {
                    throw new AssertionError("a folder never loads the emoji set");
                }));
        assertTrue(empty.getMessage().contains(folder.toString()) && empty.getMessage().contains("no PNG"),
                empty.getMessage());
        float[] px = new float[3 * 16 * 16];
        java.util.Arrays.fill(px, 0.25f);
        Images.writePng(folder.resolve("b.png"), new RgbImage(16, 16, px));
        Images.writePng(folder.resolve("a.png"), new RgbImage(8, 8, new float[3 * 8 * 8]));
        EditImages.Selection s = EditImages.load(folder.toString(), 8, Long.MAX_VALUE, () -> null);
        assertEquals(List.of("a.png", "b.png"), s.names());
        assertEquals(8, s.images().get(1).width());
        assertEquals(0.25f, s.images().get(1).chw()[5], 1e-2);
        assertEquals(List.of(2L, 3L, 8L, 8L), List.of(Tensors.shape(EditImages.tensor(s))[0],
                Tensors.shape(EditImages.tensor(s))[1], Tensors.shape(EditImages.tensor(s))[2],
                Tensors.shape(EditImages.tensor(s))[3]));
    }

    @Test
    void editImagesOfASkinToneAreThePairSetsBeforeImagesNamedAsItsFolder() {
        dev.retouch.data.emoji.EmojiCache cache = dev.retouch.data.emoji.EmojiCache.fromEnvironment();
        if (!cache.isPresent()) {
            if (Boolean.getBoolean("retouch.requireEmoji")) {
                org.junit.jupiter.api.Assertions.fail("emoji archive absent: " + cache.path());
            }
            org.junit.jupiter.api.Assumptions.abort("emoji archive absent: " + cache.path());
        }
        dev.retouch.data.emoji.EmojiDataset data = dev.retouch.data.emoji.EmojiDataset.load(cache.path());
        EditImages.Selection s = EditImages.load("validation@5", 8, Long.MAX_VALUE, () -> data);
        var pairs = dev.retouch.data.emoji.SkinTonePairSets.select(data, dev.retouch.data.emoji.SkinTone.values()[4],
                dev.retouch.data.Split.VALIDATION, 0);
        assertEquals(pairs.stream().map(p -> p.name() + ".png").toList(), s.names(), "the pair folder's file names");
        assertTrue(s.names().size() > 10, "validation pairs: " + s.names().size());
        assertEquals(8, s.images().get(0).width());
        InvalidRequestException bad = assertThrows(InvalidRequestException.class, () -> EditImages.load(
                "validation@9", 8, Long.MAX_VALUE, () -> data));
        assertTrue(bad.getMessage().contains("skin tone"), bad.getMessage());
    }

    @Test
    void theBaselinesChainIsDdimSamplingOverItsTimesteps() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            assertEquals(List.of(500, 375, 250, 125), java.util.Arrays.stream(DiffusionClipTask.timesteps(500, 4))
                    .boxed().toList());
            PixelDiffusionModel m = RectifierTest.tinyBase(13);
            int[] ts = DiffusionClipTask.timesteps(999, 6);
            Tensor x = Tensors.randn(Tensors.generator(14), 2, 3, 8, 8);
            Tensor chain = DiffusionClipTask.regenerate(m, x, ts);
            NoiseSchedule unclipped = new NoiseSchedule(m.schedule().config().withoutClipping());
            Tensor loop = DenoiseLoop.run(PixelPipelines.denoiser(m.unet()), new DDIMScheduler(unclipped, ts, 0.0), x,
                    null, LoopHooks.NONE);
            assertTrue(RectifierTest.maxAbs(chain.sub(loop)) < 1e-4, "max diff " + RectifierTest.maxAbs(chain.sub(loop)));
            // the baseline inverts with the frozen model: an untouched copy regenerates what DDIM reconstruction does
            Tensor x0 = images(15, 2, 8);
            Tensor edit = DiffusionClipTask.edit(m, m, x0, 999, 6);
            Tensor inv = PixelPipelines.invert(m, x0, ts, LoopHooks.NONE);
            Tensor regen = DenoiseLoop.run(PixelPipelines.denoiser(m.unet()), new DDIMScheduler(unclipped, ts, 0.0),
                    inv, null, LoopHooks.NONE).clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1)));
            assertTrue(RectifierTest.maxAbs(edit.sub(regen)) < 1e-4);
            assertThrows(IllegalArgumentException.class, () -> new DiffusionClipTask(m, m, null, x0, 500, 4, 2, 1, 1));
        }
    }
}
