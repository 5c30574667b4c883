package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Mask;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapEditTest {
    /** 8×8: face everywhere, a 2×2 mouth at (3..4, 5..6), an eye pixel at (2,2). */
    private static LabelMap face() {
        byte[] c = new byte[64];
        java.util.Arrays.fill(c, (byte) FaceClass.FACE.ordinal());
        for (int y = 5; y <= 6; y++) {
            for (int x = 3; x <= 4; x++) {
                c[y * 8 + x] = (byte) FaceClass.MOUTH.ordinal();
            }
        }
        c[2 * 8 + 2] = (byte) FaceClass.EYE.ordinal();
        return new LabelMap(8, 8, c);
    }

    @Test
    void replaceTurnsEveryPixelOfAClassIntoAnother() {
        LabelMap m = MapEdit.apply(face(), List.of("replace mouth face"));
        assertEquals(0, m.count(FaceClass.MOUTH));
        assertEquals(63, m.count(FaceClass.FACE));
    }

    @Test
    void paintFillsAnInclusiveBoxClippedToTheMap() {
        LabelMap m = MapEdit.apply(face(), List.of("paint tear 6,6,20,20"));
        assertEquals(4, m.count(FaceClass.TEAR)); // (6..7) × (6..7)
        assertEquals(FaceClass.TEAR, m.get(7, 7));
    }

    @Test
    void ellipseFillsTheInteriorOnly() {
        LabelMap m = MapEdit.apply(face(), List.of("ellipse tongue 4,4,1,2"));
        // |dx| ≤ 1 with (dx/1)² + (dy/2)² ≤ 1: dx=0: dy∈[-2,2] (5); dx=±1: dy=0 (2) → 7 pixels
        assertEquals(7, m.count(FaceClass.TONGUE));
    }

    @Test
    void moveShiftsAClassAndFillsWhatItLeftWithTheSurroundingClass() {
        LabelMap m = MapEdit.apply(face(), List.of("move mouth 0,-3"));
        assertEquals(4, m.count(FaceClass.MOUTH));
        assertEquals(FaceClass.MOUTH, m.get(2, 3));
        assertEquals(FaceClass.FACE, m.get(6, 4)); // vacated → face
    }

    @Test
    void operationsApplyInOrder() {
        LabelMap m = MapEdit.apply(face(), List.of("replace mouth teeth", "paint mouth 3,5,4,5"));
        assertEquals(2, m.count(FaceClass.TEETH));
        assertEquals(2, m.count(FaceClass.MOUTH));
    }

    @Test
    void badOperationsNameTheOperationAndTheProblem() {
        for (String op : List.of("replace nose face", "paint eye 1,2,3", "ellipse eye 1,1,0,2", "spin eye 1,1",
                "move eye", "paint eye a,b,c,d")) {
            RetouchException e = assertThrows(RetouchException.class, () -> MapEdit.apply(face(), List.of(op)), op);
            assertTrue(e.getMessage().contains(op.split(" ")[0]) || e.getMessage().contains("nose"), e.getMessage());
        }
    }

    @Test
    void roiIsTheEditedClassesBeforeAndAfterDilatedThreeTimes() {
        LabelMap a = face();
        LabelMap b = MapEdit.apply(a, List.of("replace mouth face"));
        assertEquals(Set.of(FaceClass.MOUTH), Roi.editedClasses(a, b));
        Mask roi = Roi.of(a, b);
        // the 2×2 mouth grown by 3 in every direction, clipped to the 8×8 map: x 0..7, y 2..7 → 8 × 6
        assertEquals(48, roi.count());
        assertEquals(0f, roi.get(1, 4));
    }

    @Test
    void roiFallsBackToCanvasClassesAndRefusesEditsThatChangeNothing() {
        LabelMap a = face();
        byte[] c = a.classes().clone();
        c[0] = (byte) FaceClass.BACKGROUND.ordinal();
        LabelMap b = new LabelMap(8, 8, c);
        assertEquals(Set.of(FaceClass.FACE, FaceClass.BACKGROUND), Roi.editedClasses(a, b));
        RetouchException e = assertThrows(RetouchException.class, () -> Roi.of(a, a));
        assertTrue(e.getMessage().contains("nothing to edit"));
    }

    @Test
    void despeckleRemovesLonePixelsAndKeepsBlocksAndLines() {
        LabelMap m = MapEdit.apply(face(), List.of("paint tear 7,0,7,3")); // a 1-pixel-wide line at the border
        LabelMap filtered = m.despeckle();
        assertEquals(FaceClass.FACE, filtered.get(2, 2));  // the lone eye pixel is gone
        assertEquals(0, filtered.count(FaceClass.EYE));
        assertEquals(4, filtered.count(FaceClass.MOUTH));  // the 2×2 mouth stays
        assertEquals(4, filtered.count(FaceClass.TEAR));   // the line stays, ends included
    }
}
