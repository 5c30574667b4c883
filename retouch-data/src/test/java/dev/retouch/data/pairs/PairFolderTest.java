package dev.retouch.data.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairFolderTest {
    @TempDir
    Path dir;

    /** A random image on the 8-bit grid, so PNG round trips are exact. */
    static RgbImage image(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = r.nextInt(256) / 255f;
        }
        return new RgbImage(w, h, chw);
    }

    private Path folder(String... names) throws IOException {
        Path f = dir.resolve("pairs");
        Files.createDirectories(f.resolve("before"));
        Files.createDirectories(f.resolve("after"));
        long seed = 0;
        for (String n : names) {
            Images.writePng(f.resolve("before/" + n + ".png"), image(8, 8, seed++), Map.of());
            Images.writePng(f.resolve("after/" + n + ".png"), image(8, 8, seed++), Map.of());
        }
        return f;
    }

    /** Equal up to float rounding (the decoder scales by 1/255f, the fixture divides by 255f). */
    private static void assertSame8Bit(ImagePair expected, ImagePair actual) {
        assertEquals(expected.name(), actual.name());
        float[][] e = {expected.before().chw(), expected.after().chw()};
        float[][] a = {actual.before().chw(), actual.after().chw()};
        for (int k = 0; k < 2; k++) {
            assertEquals(e[k].length, a[k].length);
            for (int i = 0; i < e[k].length; i++) {
                assertEquals(e[k][i], a[k][i], 1e-6);
            }
        }
    }

    private static String fails(Path f, int min) {
        return assertThrows(RetouchException.class, () -> PairFolder.read(f, min)).getMessage();
    }

    @Test
    void writeThenReadGivesThePairsSortedByName() {
        List<ImagePair> pairs = List.of(new ImagePair("b", image(8, 6, 1), image(8, 6, 2)),
                new ImagePair("a", image(5, 5, 3), image(5, 5, 4)));
        Path f = dir.resolve("set");
        PairFolder.write(f, pairs);
        List<ImagePair> back = PairFolder.read(f, 2);
        assertEquals(List.of("a", "b"), back.stream().map(ImagePair::name).toList());
        assertSame8Bit(pairs.get(1), back.get(0));
        assertSame8Bit(pairs.get(0), back.get(1));
        assertTrue(fails(f, 3).contains("has 2 pair(s); expected at least 3"));
        String again = assertThrows(RetouchException.class, () -> PairFolder.write(f, pairs)).getMessage();
        assertTrue(again.contains("already holds a pair folder"), again);
    }

    @Test
    void hiddenFilesAreIgnoredAndJpegIsAccepted() throws IOException {
        Path f = folder("a", "b");
        Files.writeString(f.resolve("before/.DS_Store"), "x");
        assertEquals(2, PairFolder.read(f, 2).size());
    }

    @Test
    void missingFolderOrSideIsNamed() throws IOException {
        assertTrue(fails(dir.resolve("nope"), 2).contains("pair folder " + dir.resolve("nope") + " does not exist"));
        Path f = dir.resolve("half");
        Files.createDirectories(f.resolve("before"));
        assertTrue(fails(f, 2).contains("has no after/ directory"));
    }

    @Test
    void unpairedNamesAreListedOnBothSides() throws IOException {
        Path f = folder("a", "b");
        Images.writePng(f.resolve("before/only-before.png"), image(8, 8, 9), Map.of());
        Images.writePng(f.resolve("after/only-after.png"), image(8, 8, 9), Map.of());
        String m = fails(f, 2);
        assertTrue(m.contains("2 unpaired image(s)"), m);
        assertTrue(m.contains("before/only-before.png (no after/only-before.*)"), m);
        assertTrue(m.contains("after/only-after.png (no before/only-after.*)"), m);
    }

    @Test
    void sizeMismatchWithinAPairNamesBothFiles() throws IOException {
        Path f = folder("a", "b");
        Images.writePng(f.resolve("after/b.png"), image(6, 8, 9), Map.of());
        String m = fails(f, 2);
        assertTrue(m.contains("pair 'b'") && m.contains("b.png (before) is 8x8 but b.png (after) is 6x8"), m);
    }

    @Test
    void fewerThanTwoPairsIsRefused() throws IOException {
        assertTrue(fails(folder("a"), 2).contains("has 1 pair(s); expected at least 2"));
    }

    @Test
    void corruptImageIsNamed() throws IOException {
        Path f = folder("a", "b");
        Path bad = f.resolve("after/b.png");
        byte[] bytes = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String m = fails(f, 2);
        assertTrue(m.startsWith(bad.toString()) && m.contains("truncated or corrupt"), m);
    }

    @Test
    void strayFilesAndDuplicateStemsAreErrors() throws IOException {
        Path f = folder("a", "b");
        Files.writeString(f.resolve("before/notes.txt"), "x");
        assertTrue(fails(f, 2).contains("notes.txt: unexpected entry in a pair folder"));
        Files.delete(f.resolve("before/notes.txt"));
        Files.copy(f.resolve("before/a.png"), f.resolve("before/a.jpg"));
        assertTrue(fails(f, 2).contains("share the name 'a'"));
    }

    @Test
    void pairRecordValidatesNameAndSize() {
        RetouchException e = assertThrows(RetouchException.class,
                () -> new ImagePair("x", image(4, 4, 1), image(4, 5, 1)));
        assertTrue(e.getMessage().contains("must have the same size"));
        assertThrows(RetouchException.class, () -> new ImagePair("../x", image(4, 4, 1), image(4, 4, 1)));
    }
}
