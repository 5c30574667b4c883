package dev.retouch.edit.pixelguide;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The colour-rule judge of edits: map of any image size, accuracy inside an ROI. */
class EditScoresTest {

    private static RgbImage crying() throws Exception {
        return Images.read(Path.of(EditScoresTest.class.getResource("/pixelguide/1f622.png").toURI()), 64 * 64);
    }

    @Test
    void rulesMapOfA64ImageIsTheLabellersAndA32ImageIsUpsampledFirst() throws Exception {
        RgbImage face = crying();
        assertArrayEquals(FaceLabeler.label(face, 32).classes(), EditScores.byRules(face, 32).classes());
        RgbImage small = Resize.area(face, 32, 32);
        LabelMap fromSmall = EditScores.byRules(small, 32);
        LabelMap direct = FaceLabeler.label(face, 32);
        int same = 0;
        for (int i = 0; i < direct.classes().length; i++) {
            same += direct.classes()[i] == fromSmall.classes()[i] ? 1 : 0;
        }
        // a 32×32 copy loses the anti-aliased detail, not the parts: most pixels keep their class
        assertTrue(same > 0.9 * direct.classes().length, same + " of 1024 pixels agree");
        assertTrue(fromSmall.count(FaceClass.TEAR) > 0 && fromSmall.count(FaceClass.EYE) > 0);
    }

    @Test
    void accuracyInsideCountsOnlyRoiPixelsThatMatchTheTarget() throws Exception {
        RgbImage face = crying();
        LabelMap own = EditScores.byRules(face, 32);
        float[] roi = new float[32 * 32];
        for (int y = 4; y < 12; y++) {
            for (int x = 4; x < 12; x++) {
                roi[y * 32 + x] = 1;
            }
        }
        Mask box = new Mask(32, 32, roi);
        assertEquals(1.0, EditScores.accuracyInsideByRules(face, own, box), 1e-12);
        // a target that asks for "tear" in the left half of the box: those 32 of 64 ROI pixels are wrong
        LabelMap target = MapEdit.apply(own, java.util.List.of("paint tear 4,4,7,11"));
        assertEquals(0.5, EditScores.accuracyInsideByRules(face, target, box), 1e-12);
    }
}
