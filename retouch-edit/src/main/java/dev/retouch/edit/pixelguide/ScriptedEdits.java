package dev.retouch.edit.pixelguide;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's scripted map edits (paper 004 §4.2 uses close/open mouth, move/close eye, …), written as map
 * operations relative to the face's own parts so that each applies to any face that has them.
 */
public final class ScriptedEdits {
    private ScriptedEdits() {
    }

    /** A named list of operations. */
    public record Edit(String name, List<String> ops) {
    }

    /** The edits that apply to {@code map} (an edit whose part is missing is skipped). */
    public static List<Edit> forMap(LabelMap map) {
        List<Edit> out = new ArrayList<>();
        int mouth = map.count(FaceClass.MOUTH) + map.count(FaceClass.TEETH) + map.count(FaceClass.TONGUE);
        double[] mc = centroid(map, FaceClass.MOUTH, FaceClass.TEETH, FaceClass.TONGUE);
        double[] ec = centroid(map, FaceClass.EYE);
        if (mouth >= 12) {
            out.add(new Edit("close mouth", List.of("replace teeth face", "replace tongue face",
                    "replace mouth face", String.format("paint mouth %d,%d,%d,%d", (int) mc[0] - 4, (int) mc[1],
                            (int) mc[0] + 4, (int) mc[1]))));
        }
        if (mouth > 0 && mouth < 40) {
            out.add(new Edit("open mouth", List.of(String.format("ellipse mouth %d,%d,5,3", (int) Math.round(mc[0]),
                    (int) Math.round(mc[1])))));
        }
        if (map.count(FaceClass.EYE) > 0) {
            out.add(new Edit("move eyes up", List.of("move eye 0,-2")));
        }
        if (map.count(FaceClass.TEAR) == 0 && map.count(FaceClass.EYE) > 0) {
            int x = (int) Math.round(ec[0]) - 6;
            int y = (int) Math.round(ec[1]) + 5;
            out.add(new Edit("add tear", List.of(String.format("ellipse tear %d,%d,1,2", x, y))));
        }
        if (map.count(FaceClass.TEAR) > 0) {
            out.add(new Edit("remove tears", List.of("replace tear face")));
        }
        return out;
    }

    /** Mean (x, y) of the pixels of the given classes; the map centre when there are none. */
    static double[] centroid(LabelMap map, FaceClass... classes) {
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                for (FaceClass c : classes) {
                    if (map.get(y, x) == c) {
                        sx += x;
                        sy += y;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? new double[]{map.width() / 2.0, map.height() / 2.0} : new double[]{sx / n, sy / n};
    }
}
