package dev.retouch.diffusion.clip;

import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The image half of a CLIP: a view of a full model, a stand-alone CLIPVisionModelWithProjection, preprocessing. */
class ClipImageEncoderTest {
    private static final ClipConfig.Vision VISION = new ClipConfig.Vision(16, 4, 3, 32, 2, 2, 64, 1e-5,
            ClipConfig.Activation.QUICK_GELU);

    private static Tensor images(int b, int side, long seed) {
        return Tensors.rand(Tensors.generator(seed), b, 3, side, side)
                .mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    private static float maxAbs(Tensor a, Tensor b) {
        float m = 0;
        float[] x = Tensors.toFloats(a);
        float[] y = Tensors.toFloats(b);
        assertEquals(x.length, y.length);
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    @Test
    void aFullClipsImageHalfIsItsOwnVisionTowerUnchanged() {
        ClipModel full = ClipModel.create(ClipModelTest.tinyConfig(40, 39), 3);
        ClipImageEncoder enc = ClipImageEncoder.of(full);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor x = images(2, 16, 1);
            // [−1, 1] at the tower's size: no resize, no normalisation, the very same numbers
            assertEquals(0f, maxAbs(full.visionModel().forward(x).lastHiddenState(), enc.states(x)));
            assertEquals(0f, maxAbs(full.imageFeatures(x), enc.features(x)));
            Tensor projected = enc.projectedStates(x);
            assertArrayEquals(new long[]{2, 17, 16}, Tensors.shape(projected));
            assertTrue(maxAbs(projected.select(1, 0), enc.features(x)) < 1e-5, "the class token's row is the feature");
        }
        assertEquals(17, enc.tokens());
        assertTrue(enc.preprocessing().keepsMinusOneToOne());
        assertEquals(null, enc.ownModule());
    }

    @Test
    void openAiPreprocessingNormalisesEachChannelAndResizesToTheTowersSize() {
        ClipVisionModelWithProjection m = ClipVisionModelWithProjection.create(VISION, 8, 5);
        ClipImageEncoder enc = ClipImageEncoder.of(m, ClipImageEncoder.Preprocessing.openAi(16));
        assertFalse(enc.preprocessing().keepsMinusOneToOne());
        try (NoGradGuard ignored = new NoGradGuard()) {
            // a constant image stays constant through the resize; each channel becomes ((x + 1)/2 − mean)/std
            Tensor grey = torch.full(new long[]{1, 3, 40, 40}, Tensors.s(0.2));
            float[] p = Tensors.toFloats(enc.prepare(grey));
            assertEquals(3 * 16 * 16, p.length);
            for (int c = 0; c < 3; c++) {
                double want = (0.6 - ClipImageEncoder.Preprocessing.OPENAI_MEAN[c])
                        / ClipImageEncoder.Preprocessing.OPENAI_STD[c];
                for (int i = 0; i < 256; i++) {
                    assertEquals(want, p[c * 256 + i], 1e-5);
                }
            }
            assertArrayEquals(new long[]{2, 17, 32}, Tensors.shape(enc.states(images(2, 24, 2))));
            assertArrayEquals(new long[]{2, 17, 8}, Tensors.shape(enc.projectedStates(images(2, 24, 2))));
            assertArrayEquals(new long[]{2, 8}, Tensors.shape(enc.features(images(2, 16, 2))));
        }
        assertEquals(m, enc.ownModule());
        assertThrows(RetouchException.class, () -> ClipImageEncoder.of(m, ClipImageEncoder.Preprocessing.openAi(224)),
                "preprocessing to another size than the tower takes is refused");
    }

    /**
     * Bicubic antialiased resizing equals PyTorch's {@code F.interpolate(x, size, mode="bicubic", align_corners=False,
     * antialias=True)}. Golden values from Debian's python3-torch 1.13 with x = sin(0.37·arange(384)).reshape(2, 3, 8,
     * 8)·0.9: {@code y[0,0,0]} and {@code y[1,2,4]} at 5×5 (shrinking), {@code z[0,1,3]} at 11×11 (enlarging).
     */
    @Test
    void resizingMatchesPyTorchsAntialiasedBicubicInterpolation() {
        float[] data = new float[2 * 3 * 8 * 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (Math.sin(i * 0.37) * 0.9);
        }
        Tensor x = Tensors.of(data, 2, 3, 8, 8);
        Tensor y = ClipImageEncoder.resize(x, 5);
        Tensor z = ClipImageEncoder.resize(x, 11);
        Map<String, double[]> golden = Map.of(
                "y000", new double[]{0.085582, 0.15899, 0.183918, 0.14131, 0.056555},
                "y124", new double[]{0.111238, 0.17162, 0.178756, 0.120253, 0.026908},
                "z013", new double[]{-0.863752, -0.881432, -0.861226, -0.77163, -0.625451, -0.435455, -0.214491,
                        0.023663, 0.259375, 0.491204, 0.642595});
        assertClose(golden.get("y000"), Tensors.toFloats(y.select(0, 0).select(0, 0).select(0, 0)));
        assertClose(golden.get("y124"), Tensors.toFloats(y.select(0, 1).select(0, 2).select(0, 4)));
        assertClose(golden.get("z013"), Tensors.toFloats(z.select(0, 0).select(0, 1).select(0, 3)));
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5, "index " + i + " of " + Arrays.toString(actual));
        }
    }

    @Test
    void aTextEncoderAloneHasNoImageHalfAndSaysWhatWouldGiveIt() {
        var vocab = new dev.retouch.diffusion.text.BpeTrainer(540).train(java.util.List.of("red heart", "blue heart"));
        int end = vocab.ids().get(dev.retouch.diffusion.text.ClipTokenizer.END_TOKEN);
        ClipModel textOnly = ClipModel.create(ClipConfig.textOnly(ClipModelTest.tinyConfig(vocab.size(), end).text()), 1);
        Clip clip = new Clip(textOnly, vocab, dev.retouch.diffusion.text.ClipTokenizer.of(vocab));
        assertFalse(clip.hasImageEncoder());
        RetouchException e = assertThrows(RetouchException.class, clip::imageEncoder);
        assertTrue(e.getMessage().contains("image_encoder"), e.getMessage());
        ClipImageEncoder separate = ClipImageEncoder.of(ClipVisionModelWithProjection.create(VISION, 32, 2),
                ClipImageEncoder.Preprocessing.openAi(16));
        Clip withImages = new Clip(textOnly, vocab, dev.retouch.diffusion.text.ClipTokenizer.of(vocab), separate);
        assertTrue(withImages.hasImageEncoder());
        assertEquals(separate, withImages.imageEncoder());
    }
}
