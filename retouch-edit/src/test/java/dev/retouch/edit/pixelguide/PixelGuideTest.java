package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pixelguide on an untrained 8×8 model with classifiers fitted to synthetic maps: mechanics, not quality. */
class PixelGuideTest {
    private static PixelDiffusionModel model;
    private static PixelClassifiers classifiers;
    private static Tensor images;
    private static List<LabelMap> maps;

    @BeforeAll
    static void setUp() {
        torch.set_num_threads(1);
        model = PixelDiffusionModel.create(DdpmConfig.of(UNet2DConfig.tiny(), NoiseScheduleConfig.ddpmLinear()), 3);
        model.unet().eval();
        images = Tensors.keep(Tensors.rand(Tensors.generator(4), 6, 3, 8, 8).mul(Tensors.s(2)).sub(Tensors.s(1)));
        maps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] c = new byte[64];
            for (int p = 0; p < 64; p++) {
                c[p] = (byte) (p / 8 < 4 ? FaceClass.FACE.ordinal() : FaceClass.MOUTH.ordinal());
            }
            maps.add(new LabelMap(8, 8, c));
        }
        classifiers = ClassifierTraining.train(model, "tiny", images, maps, List.of(0, 20, 500, 740),
                new ClassifierTraining.Options(16, 8, 64, 3, 1e-2, 0), null);
    }

    private static LabelMap closeMouth() {
        return MapEdit.apply(maps.get(0), List.of("paint face 0,4,7,5"));
    }

    @Test
    void classifierTimestepsAreTheRespacedGridUpTo740AndZero() {
        List<Integer> ts = PixelGuide.classifierTimesteps(model.schedule());
        assertEquals(0, ts.get(0));
        assertEquals(740, ts.get(ts.size() - 1));
        assertEquals(38, ts.size());
    }

    @Test
    void nearestClassifierServesTimestepsWithoutOne() {
        assertTrue(classifiers.at(10) == classifiers.classifiers().get(0));
        assertTrue(classifiers.at(11) == classifiers.classifiers().get(20));
        assertTrue(classifiers.at(999) == classifiers.classifiers().get(740));
    }

    @Test
    void outsideTheRoiTheInputIsKeptExactly() {
        Tensor x0 = images.narrow(0, 0, 1);
        var o = new PixelGuide.Options(500, 100, true, PixelGuide.Sampler.DDIM, 1);
        PixelGuide.Result r = PixelGuide.edit(model, classifiers, x0, maps.get(0), closeMouth(), o, null);
        float[] in = Tensors.toFloats(x0.clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1))));
        float[] out = Tensors.toFloats(r.image());
        Mask roi = r.roi();
        int changedInside = 0;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 64; p++) {
                if (roi.values()[p] < 0.5f) {
                    assertEquals(in[c * 64 + p], out[c * 64 + p], 1e-6, "outside pixel " + p);
                } else if (Math.abs(in[c * 64 + p] - out[c * 64 + p]) > 1e-3) {
                    changedInside++;
                }
            }
        }
        assertTrue(changedInside > 0, "the ROI changed");
        assertEquals(26, r.timesteps().length); // 500, 480, …, 0
    }

    @Test
    void guidanceScaleMovesTheResultAndSameSeedRepeats() {
        Tensor x0 = images.narrow(0, 0, 1);
        var none = new PixelGuide.Options(300, 0, true, PixelGuide.Sampler.DDIM, 1);
        var strong = new PixelGuide.Options(300, 200, true, PixelGuide.Sampler.DDIM, 1);
        float[] a = Tensors.toFloats(PixelGuide.edit(model, classifiers, x0, maps.get(0), closeMouth(), none, null).image());
        float[] b = Tensors.toFloats(PixelGuide.edit(model, classifiers, x0, maps.get(0), closeMouth(), strong, null).image());
        float[] b2 = Tensors.toFloats(PixelGuide.edit(model, classifiers, x0, maps.get(0), closeMouth(), strong, null).image());
        assertArrayEquals(b, b2);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs(a[i] - b[i]);
        }
        assertTrue(diff > 1e-3, "guidance changed the result: " + diff);
    }

    @Test
    void guidanceWorksInEpsilonForAVPredictionModelToo() {
        NoiseScheduleConfig v = NoiseScheduleConfig.ddpmLinear().withPrediction(
                dev.retouch.diffusion.schedule.PredictionType.V_PREDICTION);
        PixelDiffusionModel vModel = new PixelDiffusionModel(DdpmConfig.of(UNet2DConfig.tiny(), v), model.unet());
        var none = new PixelGuide.Options(300, 0, true, PixelGuide.Sampler.DDIM, 1);
        Tensor x = images.narrow(0, 2, 1);
        Tensor raw;
        try (var ignored = new org.bytedeco.pytorch.NoGradGuard()) {
            raw = model.unet().forward(x, dev.retouch.diffusion.pipeline.PixelPipelines.timestepTensor(300, 1));
        }
        Tensor eps = PixelGuide.guidedEps(vModel, classifiers, vModel.schedule(), new int[]{300, 280}, none,
                torch.ones(1, 1, 8, 8), torch.zeros(new long[]{1, 8, 8}, new org.bytedeco.pytorch.TensorOptions(
                        torch.ScalarType.Long)), x, 300);
        double a = vModel.schedule().alphaBar(300);
        float[] expected = Tensors.toFloats(x.mul(Tensors.s(Math.sqrt(1 - a))).add(raw.mul(Tensors.s(Math.sqrt(a)))));
        assertArrayEquals(expected, Tensors.toFloats(eps), 1e-5f, "ε = √(1−ᾱ)·x + √ᾱ·v at scale 0");
        // the whole edit runs on the ε view and keeps the outside exactly, as for an ε model
        PixelGuide.Result r = PixelGuide.edit(vModel, classifiers, x, maps.get(2), closeMouth(), none, null);
        assertTrue(Tensors.allFinite(r.image()));
    }

    @Test
    void ddpmSamplerRunsAndKeepsTheOutside() {
        Tensor x0 = images.narrow(0, 1, 1);
        var o = new PixelGuide.Options(100, 50, true, PixelGuide.Sampler.DDPM, 2);
        PixelGuide.Result r = PixelGuide.edit(model, classifiers, x0, maps.get(1), closeMouth(), o, null);
        assertEquals(List.of(1L, 3L, 8L, 8L), java.util.Arrays.stream(Tensors.shape(r.image())).boxed().toList());
        assertTrue(Tensors.allFinite(r.image()));
    }

    @Test
    void badOptionsAndNoOpEditsAreRefused() {
        assertThrows(RetouchException.class, () -> new PixelGuide.Options(0, 1, true, PixelGuide.Sampler.DDIM, 0));
        assertThrows(RetouchException.class, () -> new PixelGuide.Options(751, 1, true, PixelGuide.Sampler.DDIM, 0));
        assertThrows(RetouchException.class, () -> new PixelGuide.Options(500, -1, true, PixelGuide.Sampler.DDIM, 0));
        var o = new PixelGuide.Options(500, 1, true, PixelGuide.Sampler.DDIM, 0);
        RetouchException e = assertThrows(RetouchException.class,
                () -> PixelGuide.edit(model, classifiers, images.narrow(0, 0, 1), maps.get(0), maps.get(0), o, null));
        assertTrue(e.getMessage().contains("nothing to edit"));
    }

    @Test
    void classifiersRoundTripThroughAModelDirectory(@TempDir Path dir) {
        classifiers.save(dir.resolve("pc"), "card");
        PixelClassifiers back = PixelClassifiers.load(dir.resolve("pc"));
        Tensor x = images.narrow(0, 2, 1);
        float[] before = Tensors.toFloats(classifiers.logits(model, x, 20, Tensors.generator(9)));
        float[] after = Tensors.toFloats(back.logits(model, x, 20, Tensors.generator(9)));
        for (int i = 0; i < before.length; i++) { // weights are stored as fp16
            assertEquals(before[i], after[i], 5e-3 * (1 + Math.abs(before[i])), "logit " + i);
        }
        LabelMap seg = back.segment(model, x, 0);
        assertEquals(8, seg.width());
    }

    @Test
    void roiSizeThresholdScalesThePapers5000PixelsAt256() {
        float[] v = new float[32 * 32];
        for (int i = 0; i < 78; i++) {
            v[i] = 1f;
        }
        assertTrue(!PixelGuide.isLargeRoi(new Mask(32, 32, v)));
        v[78] = 1f;
        assertTrue(PixelGuide.isLargeRoi(new Mask(32, 32, v)));
        assertEquals(64, ImageTensors.toTensor(new Mask(8, 8, new float[64])).numel());
    }
}
