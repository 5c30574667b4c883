package dev.retouch.data.emoji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class EmojiDatasetTest {
    private static final EmojiDataset DATASET = Fixtures.dataset();
    private static final int PLANE_64 = 64 * 64;
    private static final int PLANE_32 = 32 * 32;

    @Test
    void listsDefaultAndVariantImagesWithTheirBase() {
        List<String> files = DATASET.images().stream().map(EmojiImage::image).toList();
        assertEquals(List.of("1f600.png", "1f602.png", "1f610.png", "1f622.png", "1f62d.png", "1f44b.png",
                "1f44b-1f3ff.png", "1f44d.png", "1f44d-1f3ff.png", "1f91d.png", "1faf1-1f3fb-200d-1faf2-1f3ff.png"),
                files);
        EmojiImage dark = DATASET.image("1f44b-1f3ff.png");
        assertEquals("1F44B-1F3FF", dark.unified());
        assertEquals("1F44B", dark.base().unified());
        assertEquals("1F3FF", dark.skinTone());
        assertTrue(dark.isVariant());
        EmojiImage grinning = DATASET.image("1f600.png");
        assertNull(grinning.skinTone());
        assertFalse(grinning.isVariant());
        assertEquals(grinning, DATASET.defaultImage(grinning.base()));
    }

    @Test
    void variantsShareTheSplitOfTheirBase() {
        assertEquals(Split.TEST, DATASET.image("1f44b.png").split());
        assertEquals(Split.TEST, DATASET.image("1f44b-1f3ff.png").split());
        assertEquals(List.of("1f44b.png", "1f44b-1f3ff.png"),
                DATASET.images(Split.TEST).stream().map(EmojiImage::image).toList());
        assertEquals(List.of("1f600.png"), DATASET.images(Split.VALIDATION).stream().map(EmojiImage::image).toList());
        assertEquals(8, DATASET.images(Split.TRAIN).size());
    }

    @Test
    void decodesRgbaPngOnWhite() {
        dev.retouch.core.image.RgbImage image = DATASET.rgbImage(DATASET.image("1f600.png"));
        assertEquals(64, image.width());
        assertEquals(64, image.height());
        assertEquals(1f, image.get(0, 0, 0));                   // transparent corner composited on white
        assertEquals(253 / 255f, image.get(0, 32, 32), 1e-7);   // opaque yellow centre (253, 224, 48)
        assertEquals(48 / 255f, image.get(2, 32, 32), 1e-7);
    }

    @Test
    void compositesOnWhite() {
        float[] rgb = DATASET.rgb(DATASET.image("1f600.png"));
        assertEquals(3 * PLANE_64, rgb.length);
        for (int c = 0; c < 3; c++) {
            assertEquals(1.0f, rgb[c * PLANE_64], "transparent corner is white in channel " + c);
        }
        int centre = 32 * 64 + 32;
        assertEquals(253 / 255f, rgb[centre], 1e-7);
        assertEquals(224 / 255f, rgb[PLANE_64 + centre], 1e-7);
        assertEquals(48 / 255f, rgb[2 * PLANE_64 + centre], 1e-7);
        for (float v : rgb) {
            assertTrue(v >= 0f && v <= 1f, "value in [0, 1]: " + v);
        }
    }

    /** Reference values from an independent pure-Python PNG decoder (zlib + unfiltering), same compositing. */
    @Test
    void matchesIndependentReferenceDecoder() {
        float[] grinning = DATASET.rgb(DATASET.image("1f600.png"), 32);
        assertEquals(0.9921569, grinning[16 * 32 + 16], 1e-6);
        assertEquals(0.8784314, grinning[PLANE_32 + 16 * 32 + 16], 1e-6);
        assertEquals(0.9862745, grinning[8 * 32 + 20], 1e-6);
        assertEquals(0.2150442, grinning[2 * PLANE_32 + 25 * 32 + 5], 1e-6);
        float[] hand = DATASET.rgb(DATASET.image("1f44b-1f3ff.png"), 32);
        assertEquals(0.4392157, hand[16 * 32 + 16], 1e-6);
        assertEquals(0.9931373, hand[8 * 32 + 20], 1e-6);
        assertEquals(0.8635294, hand[2 * PLANE_32 + 25 * 32 + 5], 1e-6);
        float[] full = DATASET.rgb(DATASET.image("1f44b-1f3ff.png"));
        assertEquals(0.755580, mean(full, 0, PLANE_64), 1e-6);
        assertEquals(0.707585, mean(full, 2 * PLANE_64, PLANE_64), 1e-6);
    }

    @Test
    void areaResizeTo32IsTheMeanOf2x2Blocks() {
        EmojiImage image = DATASET.image("1f602.png");
        float[] full = DATASET.rgb(image);
        float[] half = DATASET.rgb(image, 32);
        assertEquals(3 * PLANE_32, half.length);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 32; i++) {
                for (int j = 0; j < 32; j++) {
                    int p = c * PLANE_64 + 2 * i * 64 + 2 * j;
                    double block = (full[p] + full[p + 1] + full[p + 64] + full[p + 65]) / 4.0;
                    assertEquals(block, half[c * PLANE_32 + i * 32 + j], 1e-6);
                }
            }
            assertEquals(mean(full, c * PLANE_64, PLANE_64), mean(half, c * PLANE_32, PLANE_32), 1e-5);
        }
        assertArrayEquals(full, DATASET.rgb(image, 64));
    }

    @Test
    void areaResizeToNonDivisorsPreservesTheMean() {
        float[] full = DATASET.rgb(DATASET.image("1f62d.png"));
        for (int size : new int[] {1, 24, 48, 100}) {
            float[] resized = DATASET.rgb(DATASET.image("1f62d.png"), size);
            assertEquals(3 * size * size, resized.length);
            assertEquals(mean(full, 0, PLANE_64), mean(resized, 0, size * size), 1e-5, "size " + size);
        }
        float[] one = DATASET.rgb(DATASET.image("1f62d.png"), 1);
        assertEquals(mean(full, PLANE_64, PLANE_64), one[1], 1e-5);
    }

    @Test
    void rejectsAbsurdSizes() {
        EmojiImage image = DATASET.image("1f600.png");
        RetouchException e = assertThrows(RetouchException.class, () -> DATASET.rgb(image, 0));
        assertEquals("emoji image size must be between 1 and 1024 pixels, found 0", e.getMessage());
        assertThrows(RetouchException.class, () -> DATASET.rgb(image, 4096));
    }

    @Test
    void unknownImageIsAnError() {
        RetouchException e = assertThrows(RetouchException.class, () -> DATASET.image("ffff.png"));
        assertEquals("no emoji image ffff.png in test fixtures: expected a file name such as 1f600.png or "
                + "1f44b-1f3ff.png", e.getMessage());
        assertTrue(DATASET.find("ffff.png").isEmpty());
    }

    @Test
    void missingPngIsAnErrorNamingTheFile() {
        Map<String, byte[]> pngs = Fixtures.pngs();
        pngs.remove("1f44d-1f3ff.png");
        RetouchException e = assertThrows(RetouchException.class,
                () -> EmojiDataset.of(Fixtures.entries(), pngs, "broken.tgz"));
        assertEquals("emoji data broken.tgz is incomplete: emoji.json lists 1f44d-1f3ff.png (thumbs up sign, dark "
                + "skin tone, hand-fingers-closed) with a Google image, but package/img/google/64/1f44d-1f3ff.png "
                + "is missing", e.getMessage());
    }

    @Test
    void corruptPngIsAnErrorNamingTheFile() {
        Map<String, byte[]> pngs = Fixtures.pngs();
        pngs.put("1f600.png", new byte[] {1, 2, 3});
        EmojiDataset broken = EmojiDataset.of(Fixtures.entries(), pngs, "broken");
        RetouchException e = assertThrows(RetouchException.class, () -> broken.rgb(broken.image("1f600.png")));
        assertEquals("emoji image 1f600.png: not a PNG or JPEG image",
                e.getMessage());
    }

    @Test
    void wrongSizeIsAnErrorNamingTheFile() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 16, BufferedImage.TYPE_INT_ARGB), "png", png);
        Map<String, byte[]> pngs = Fixtures.pngs();
        pngs.put("1f610.png", png.toByteArray());
        EmojiDataset broken = EmojiDataset.of(Fixtures.entries(), pngs, "broken");
        RetouchException e = assertThrows(RetouchException.class, () -> broken.rgb(broken.image("1f610.png")));
        assertEquals("emoji image 1f610.png has the wrong size: expected 64×64, found 32×16", e.getMessage());
    }

    @Test
    void pngBytesAreACopyOfTheFixture() {
        EmojiImage image = DATASET.image("1f622.png");
        byte[] png = DATASET.png(image);
        assertArrayEquals(Fixtures.resource("1f622.png"), png);
        png[0] = 0;
        assertArrayEquals(Fixtures.resource("1f622.png"), DATASET.png(image));
    }

    static double mean(float[] values, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += values[i];
        }
        return sum / length;
    }
}
