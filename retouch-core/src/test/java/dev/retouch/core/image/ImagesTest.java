package dev.retouch.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {

    private static final float EPS = 1e-6f;

    @TempDir
    Path dir;

    static RgbImage randomImage(int w, int h, long seed) {
        Random rnd = new Random(seed);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = rnd.nextFloat();
        }
        return new RgbImage(w, h, chw);
    }

    private Path writeJavax(BufferedImage image, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no " + format + " writer for this image type");
        return file;
    }

    @Test
    void pngRoundTripKeepsPixelsAndTextChunks() {
        RgbImage image = randomImage(13, 7, 1);
        Map<String, String> text = new LinkedHashMap<>();
        text.put("retouch.seed", "42");
        text.put("parameters", "{\"steps\": 50, \"prompt\": \"a cat, café\"}\nsecond line");
        text.put("prompt.utf8", "émoji 🐱 猫"); // not Latin-1: stored as iTXt
        Path file = dir.resolve("out.png");
        Images.writePng(file, image, text);
        RgbImage back = Images.read(file, 1000);
        assertEquals(13, back.width());
        assertEquals(7, back.height());
        for (int i = 0; i < image.chw().length; i++) {
            assertEquals(Math.round(image.chw()[i] * 255f) / 255f, back.chw()[i], EPS, "sample " + i);
            assertEquals(image.chw()[i], back.chw()[i], 0.5f / 255f + EPS);
        }
        assertEquals(text, Images.readPngText(file));
        assertEquals(List.of("out.png"), listNames(dir));
    }

    @Test
    void quantisationRoundsAndClamps() {
        assertEquals(0, Images.quantize(0f));
        assertEquals(255, Images.quantize(1f));
        assertEquals(128, Images.quantize(0.5f)); // 127.5 rounds half up
        assertEquals(127, Images.quantize(127.49f / 255f));
        assertEquals(255, Images.quantize(1.2f));
        assertEquals(0, Images.quantize(-0.2f));
    }

    @Test
    void rgbaIsCompositedOnWhiteWithStraightAlpha() throws IOException {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, (64 << 24) | (0 << 16) | (100 << 8) | 200); // a = 64/255
        argb.setRGB(1, 0, (255 << 24) | (10 << 16) | (20 << 8) | 30);
        RgbImage img = Images.read(writeJavax(argb, "png", "rgba.png"), 100);
        float a = 64 / 255f;
        assertEquals(1 - a, img.get(0, 0, 0), EPS); // 0 * a + (1 - a)
        assertEquals(100 / 255f * a + 1 - a, img.get(1, 0, 0), EPS);
        assertEquals(200 / 255f * a + 1 - a, img.get(2, 0, 0), EPS);
        assertEquals(10 / 255f, img.get(0, 0, 1), EPS);
        assertEquals(30 / 255f, img.get(2, 0, 1), EPS);
    }

    @Test
    void greyIsReplicatedWithoutGammaConversion() throws IOException {
        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 100, 255});
        RgbImage img = Images.read(writeJavax(grey, "png", "grey.png"), 100);
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, img.get(c, 0, 0), EPS);
            assertEquals(100 / 255f, img.get(c, 0, 1), EPS); // getRGB() would give a gamma-shifted value
            assertEquals(1f, img.get(c, 0, 2), EPS);
        }
    }

    @Test
    void sixteenBitSamplesAreDividedBy65535() throws IOException {
        BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setPixels(0, 0, 2, 1, new int[] {40000, 65535});
        RgbImage img = Images.read(writeJavax(grey16, "png", "grey16.png"), 100);
        assertEquals(40000 / 65535f, img.get(0, 0, 0), EPS); // 8-bit truncation would give 156/255
        assertEquals(40000 / 65535f, img.get(2, 0, 0), EPS);
        assertEquals(1f, img.get(1, 0, 1), EPS);
    }

    @Test
    void paletteWithTransparencyIsLookedUpAndComposited() throws IOException {
        byte[] r = {(byte) 255, 0, 10, 40};
        byte[] g = {0, (byte) 128, 20, 50};
        byte[] b = {0, (byte) 255, 30, 60};
        byte[] alpha = {(byte) 255, 0, (byte) 128, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 4, r, g, b, alpha);
        BufferedImage pal = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        pal.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 1, 2, 3});
        RgbImage img = Images.read(writeJavax(pal, "png", "palette.png"), 100);
        assertEquals(1f, img.get(0, 0, 0), EPS);
        assertEquals(0f, img.get(1, 0, 0), EPS);
        for (int c = 0; c < 3; c++) {
            assertEquals(1f, img.get(c, 0, 1), EPS); // fully transparent → white
        }
        float a = 128 / 255f;
        assertEquals(10 / 255f * a + 1 - a, img.get(0, 0, 2), EPS);
        assertEquals(60 / 255f, img.get(2, 0, 3), EPS);
    }

    @Test
    void jpegIsRead() throws IOException {
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
            }
        }
        Path jpeg = writeJavax(rgb, "jpeg", "photo.jpg");
        RgbImage img = Images.read(jpeg, 1000);
        assertEquals(16, img.width());
        assertMessage(jpeg, "photo.jpg", "16x16 = 256 pixels, expected at most 255", 255);
        assertEquals(200 / 255f, img.get(0, 8, 8), 4 / 255f);
        assertEquals(100 / 255f, img.get(1, 8, 8), 4 / 255f);
        assertEquals(50 / 255f, img.get(2, 8, 8), 4 / 255f);
    }

    @Test
    void readMaskThresholdsLuminanceAndChecksTheSize() {
        float[] v = {0f, 0.49f, 0.51f, 1f, 0.2f, 0.8f};
        Path file = dir.resolve("mask.png");
        Images.writeMaskPng(file, new Mask(3, 2, v));
        Mask m = Images.readMask(file, 3, 2);
        assertArrayEquals(new float[] {0f, 0f, 1f, 1f, 0f, 1f}, m.values());
        RetouchException e = assertThrows(RetouchException.class, () -> Images.readMask(file, 4, 4));
        assertTrue(e.getMessage().contains("mask.png") && e.getMessage().contains("4x4")
                && e.getMessage().contains("3x2"), e.getMessage());
        // an RGB mask: luminance 0.299 R + 0.587 G + 0.114 B; pure green (0.587) is inside, pure red is not
        float[] chw = {1f, 0f, 0f, 1f, 0f, 0f};
        Path rgb = dir.resolve("rgbmask.png");
        Images.writePng(rgb, new RgbImage(2, 1, chw), Map.of());
        assertArrayEquals(new float[] {0f, 1f}, Images.readMask(rgb, 2, 1).values());
    }

    @Test
    void transparentMaskPixelsAreOutside() throws IOException {
        BufferedImage strokes = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        strokes.setRGB(0, 0, 0xFFFFFFFF); // opaque white stroke: inside
        strokes.setRGB(1, 0, 0x00FFFFFF); // transparent white: unpainted, outside
        strokes.setRGB(2, 0, 0x80FFFFFF); // half-transparent white: luminance 128/255 ≥ 0.5, inside
        Mask m = Images.readMask(writeJavax(strokes, "png", "strokes.png"), 3, 1);
        assertArrayEquals(new float[] {1f, 0f, 1f}, m.values());
    }

    @Test
    void missingEmptyTextAndGifFilesFailClearly() throws IOException {
        assertMessage(dir.resolve("nope.png"), "nope.png", "no such file");
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertMessage(empty, "empty.png", "empty file");
        Path text = Files.writeString(dir.resolve("notes.png"), "hello, I am not an image\n");
        assertMessage(text, "notes.png", "not a PNG or JPEG image");
        BufferedImage small = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED);
        assertMessage(writeJavax(small, "gif", "anim.gif"), "anim.gif", "not a PNG or JPEG image (found GIF)");
        assertMessage(dir, dir.getFileName().toString(), "not a regular file");
        RetouchException e = assertThrows(RetouchException.class, () -> Images.readPngText(text));
        assertTrue(e.getMessage().contains("not a PNG or JPEG image"), e.getMessage());
    }

    @Test
    void truncatedPngAndJpegFail() throws IOException {
        RgbImage noise = randomImage(64, 64, 3);
        Path png = dir.resolve("full.png");
        Images.writePng(png, noise, Map.of());
        byte[] bytes = Files.readAllBytes(png);
        for (int length : new int[] {20, 40, 100, bytes.length / 2, bytes.length - 100, bytes.length - 13}) {
            Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(bytes, length));
            assertMessage(cut, "cut.png", "truncated or corrupt PNG");
        }

        BufferedImage rgb = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        Random rnd = new Random(4);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                rgb.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        byte[] jpeg = Files.readAllBytes(writeJavax(rgb, "jpeg", "full.jpg"));
        for (int length : new int[] {10, 200, jpeg.length / 2, jpeg.length - 2}) {
            Path cutJpeg = Files.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(jpeg, length));
            assertMessage(cutJpeg, "cut.jpg", "truncated or corrupt JPEG");
        }
    }

    @Test
    void tooManyPixelsIsRefusedFromTheHeaderBeforeDecoding() throws IOException {
        // A 45-byte file that declares 20000 x 20000 RGB and has no pixel data at all: if the reader decoded
        // before checking the size it would fail as truncated (or run out of memory) instead.
        Path huge = Files.write(dir.resolve("huge.png"), pngHeaderOnly(20000, 20000));
        assertTrue(Files.size(huge) < 100);
        RetouchException e = assertThrows(RetouchException.class, () -> Images.read(huge, 4096 * 4096));
        assertTrue(e.getMessage().startsWith(huge.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("20000x20000 = 400000000 pixels, expected at most 16777216"),
                e.getMessage());
        // and a real image just over the limit
        Path ok = dir.resolve("ok.png");
        Images.writePng(ok, randomImage(10, 10, 5), Map.of());
        assertEquals(100, Images.read(ok, 100).pixels());
        assertMessage(ok, "ok.png", "expected at most 99", 99);
    }

    @Test
    void writeIntoAMissingDirectoryFailsClearly() {
        Path file = dir.resolve("no/such/dir/out.png");
        RetouchException e = assertThrows(RetouchException.class,
                () -> Images.writePng(file, randomImage(2, 2, 1), Map.of()));
        assertTrue(e.getMessage().contains("out.png") && e.getMessage().contains("does not exist"),
                e.getMessage());
        RetouchException k = assertThrows(RetouchException.class,
                () -> Images.writePng(dir.resolve("k.png"), randomImage(2, 2, 1), Map.of("", "x")));
        assertTrue(k.getMessage().contains("keyword"), k.getMessage());
    }

    @Test
    void failedWriteLeavesTheOldFileIntactAndNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("keep.png");
        RgbImage old = randomImage(5, 4, 7);
        Images.writePng(file, old, Map.of("version", "1"));
        byte[] before = Files.readAllBytes(file);
        RetouchException boom = assertThrows(RetouchException.class, () -> dev.retouch.core.io.AtomicFiles.write(file, out -> {
            out.write(new byte[1000]); // half-written content...
            throw new IOException("disk full");
        }));
        assertTrue(boom.getMessage().contains("disk full"), boom.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("keep.png"), listNames(dir));
        assertThrows(RetouchException.class, () -> Images.writePng(file, old, Map.of("bad  keyword", "x")));
        assertArrayEquals(before, Files.readAllBytes(file));
        Images.writePng(file, randomImage(5, 4, 8), Map.of("version", "2"));
        assertEquals(Map.of("version", "2"), Images.readPngText(file));
        assertEquals(List.of("keep.png"), listNames(dir));
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }

    @Test
    void gridPlacesImagesOnWhiteWithPadding() {
        RgbImage black = RgbImage.filled(2, 2, 0f);
        RgbImage grey = RgbImage.filled(2, 2, 0.5f);
        RgbImage sheet = Images.grid(List.of(black, grey, black), 2, 1);
        assertEquals(7, sheet.width()); // 1 + 2 + 1 + 2 + 1
        assertEquals(7, sheet.height());
        assertEquals(1f, sheet.get(0, 0, 0));
        assertEquals(0f, sheet.get(1, 1, 1));
        assertEquals(1f, sheet.get(1, 1, 3)); // padding column
        assertEquals(0.5f, sheet.get(2, 2, 5));
        assertEquals(0f, sheet.get(0, 4, 1));
        assertEquals(1f, sheet.get(0, 4, 4)); // empty cell stays white
        RgbImage small = RgbImage.filled(1, 1, 0f);
        RgbImage mixed = Images.grid(List.of(RgbImage.filled(3, 3, 0f), small), 2, 0);
        assertEquals(6, mixed.width());
        assertEquals(0f, mixed.get(0, 1, 4)); // centred in its 3x3 cell
        assertEquals(1f, mixed.get(0, 0, 3));
    }

    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] type = "IHDR".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(type);
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    private static void assertMessage(Path file, String name, String expected) {
        assertMessage(file, name, expected, 1 << 24);
    }

    private static void assertMessage(Path file, String name, String expected, long maxPixels) {
        RetouchException e = assertThrows(RetouchException.class, () -> Images.read(file, maxPixels));
        assertTrue(e.getMessage().contains(name), "message should name the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static List<String> listNames(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
