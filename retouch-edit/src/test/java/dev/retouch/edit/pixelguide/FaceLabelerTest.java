package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceLabelerTest {
    /** The committed labels (data/pixelguide/labels), relative to this module's directory. */
    private static final Path COMMITTED = Path.of("..", "data", "pixelguide", "labels");

    private static RgbImage fixture(String name) throws URISyntaxException {
        return Images.read(Path.of(FaceLabelerTest.class.getResource("/pixelguide/" + name).toURI()), 64 * 64);
    }

    @Test
    void reproducesTheCommittedLabels() throws Exception {
        for (String name : new String[]{"1f61b.png", "1f622.png", "1f62c.png"}) {
            LabelMap made = FaceLabeler.label(fixture(name), 32);
            LabelMap committed = LabelMap.readPng(COMMITTED.resolve(name));
            assertArrayEquals(committed.classes(), made.classes(), name);
        }
    }

    @Test
    void tongueFaceHasItsPartsWhereTheyBelong() throws Exception {
        LabelMap m = FaceLabeler.label(fixture("1f61b.png"), 32);
        assertEquals(FaceClass.BACKGROUND, m.get(0, 0));
        assertEquals(FaceClass.FACE, m.get(8, 16));
        assertTrue(m.count(FaceClass.TONGUE) > 20, "tongue pixels: " + m.count(FaceClass.TONGUE));
        assertTrue(m.count(FaceClass.EYE) > 4 && m.count(FaceClass.MOUTH) > 4);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if (m.get(y, x) == FaceClass.TONGUE) {
                    assertTrue(y >= 16, "tongue in the lower half, found at row " + y);
                }
                if (m.get(y, x) == FaceClass.EYE) {
                    assertTrue(y < 18, "eye in the upper half, found at row " + y);
                }
            }
        }
        assertEquals(0, m.count(FaceClass.TEAR));
    }

    @Test
    void cryingFaceHasATearAndGrimaceHasTeeth() throws Exception {
        assertTrue(FaceLabeler.label(fixture("1f622.png"), 32).count(FaceClass.TEAR) >= 6);
        LabelMap grimace = FaceLabeler.label(fixture("1f62c.png"), 32);
        assertTrue(grimace.count(FaceClass.TEETH) >= 20, "teeth: " + grimace.count(FaceClass.TEETH));
        assertEquals(0, grimace.count(FaceClass.TONGUE));
    }

    @Test
    void voteTakesTheMajorityAndBreaksTiesTowardsFeatures() {
        byte[] full = new byte[64 * 64]; // all background
        int face = FaceClass.FACE.ordinal();
        int eye = FaceClass.EYE.ordinal();
        full[0] = (byte) face;
        full[1] = (byte) face;
        full[64] = (byte) face;          // block (0,0): 3 face, 1 background → face
        full[2] = (byte) face;
        full[3] = (byte) face;
        full[66] = (byte) eye;
        full[67] = (byte) eye;           // block (0,1): 2 face, 2 eye → eye
        byte[] out = FaceLabeler.vote(full, 2);
        assertEquals(face, out[0]);
        assertEquals(eye, out[1]);
        assertEquals(FaceClass.BACKGROUND.ordinal(), out[2]);
    }

    @Test
    void labelMapRoundTripsThroughThePalettePng(@TempDir Path dir) throws Exception {
        LabelMap m = FaceLabeler.label(fixture("1f61b.png"), 32);
        Path file = dir.resolve("map.png");
        m.writePng(file);
        assertArrayEquals(m.classes(), LabelMap.readPng(file).classes());
    }

    @Test
    void coloursOutsideThePaletteAreAnErrorNamingPixelAndColour(@TempDir Path dir) {
        Path file = dir.resolve("bad.png");
        float[] chw = new float[3 * 4];
        chw[0] = 0.5f; // pixel (0,0) = #800000, not a class colour
        Images.writePng(file, new RgbImage(2, 2, chw), java.util.Map.of());
        RetouchException e = assertThrows(RetouchException.class, () -> LabelMap.readPng(file));
        assertTrue(e.getMessage().contains("bad.png") && e.getMessage().contains("(0, 0)")
                && e.getMessage().contains("#800000"), e.getMessage());
    }

    @Test
    void classNamesAreCaseInsensitiveAndUnknownNamesListTheKnownOnes() {
        assertEquals(FaceClass.TONGUE, FaceClass.named("Tongue"));
        RetouchException e = assertThrows(RetouchException.class, () -> FaceClass.named("nose"));
        assertTrue(e.getMessage().contains("nose") && e.getMessage().contains("mouth"), e.getMessage());
    }
}
