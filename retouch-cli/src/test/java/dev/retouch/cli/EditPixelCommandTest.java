package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.LabelMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retouch segment} and {@code retouch edit pixel} on a tiny 16×16 model with tiny classifiers. */
class EditPixelCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path classifiers;
    static Path image;

    @BeforeAll
    static void setUp() {
        model = dir.resolve("model");
        classifiers = dir.resolve("classifiers");
        var m = CliRun.tinyModel(model, 5, CliRun.tiny16());
        DemoTest.tinyClassifiers(m).save(classifiers, "# tiny\n");
        image = CliRun.png(dir.resolve("face.png"), 16, 16, 3);
    }

    private static List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of("edit", "pixel", "--model", model.toString(), "--classifiers",
                classifiers.toString(), "--image", image.toString(), "--seed", "1"));
        a.addAll(Arrays.asList(extra));
        return a;
    }

    @Test
    void segmentWritesAPaletteMapAndCounts() throws Exception {
        Path out = dir.resolve("seg.png");
        CliRun r = CliRun.run("segment", "--model", model.toString(), "--classifiers", classifiers.toString(),
                "--image", image.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        LabelMap map = LabelMap.readPng(out);
        assertEquals(16, map.width());
        int total = 0;
        for (var it = r.json().get("pixels").fields(); it.hasNext(); ) {
            var e = it.next();
            assertEquals(map.count(FaceClass.named(e.getKey())), e.getValue().asInt());
            total += e.getValue().asInt();
        }
        assertEquals(256, total);
    }

    @Test
    void editWithOperationsWritesImageRoiAndMapAndKeepsTheOutside() throws Exception {
        Path out = dir.resolve("edited.png");
        Path roi = dir.resolve("roi.png");
        Path map = dir.resolve("target.png");
        CliRun r = CliRun.run(args("--op", "paint tear 2,2,4,5", "--t0", "100", "--scale", "10", "--out", out.toString(),
                "--roi-out", roi.toString(), "--map-out", map.toString(), "--json").toArray(String[]::new));
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertTrue(j.get("roi_pixels").asInt() > 12, r::describe);
        assertTrue(j.get("psnr_outside_roi").asDouble() > 60, r::describe);
        assertEquals(0.0, j.get("mae_outside_roi").asDouble(), 1e-3);
        RgbImage result = Images.read(out, 1 << 20);
        assertEquals(16, result.width());
        assertEquals(j.get("roi_pixels").asInt(), Images.readMask(roi, 16, 16).count());
        assertEquals(FaceClass.TEAR, LabelMap.readPng(map).get(3, 3));
        assertEquals("1", Images.readPngText(out).get("retouch.seed"));
    }

    @Test
    void badInputsFailWithOneClearLineAndNoOutput() throws Exception {
        Path out = dir.resolve("never.png");
        Path wrongSize = dir.resolve("wrong-size.png");
        new LabelMap(8, 8, new byte[64]).writePng(wrongSize);
        Path offPalette = CliRun.png(dir.resolve("off-palette.png"), 16, 16, 9);
        String[][] cases = {
                {"--op", "replace nose face"},
                {"--op", "paint eye 1,2"},
                {"--op", "replace hand face"},               // no hand pixels: the map does not change
                {"--map", wrongSize.toString()},
                {"--map", offPalette.toString()},
                {"--op", "paint tear 2,2,4,5", "--t0", "0"},
                {"--op", "paint tear 2,2,4,5", "--t0", "751"},
                {"--op", "paint tear 2,2,4,5", "--scale", "-1"},
                {"--op", "paint tear 2,2,4,5", "--steps", "20"},
        };
        String[] expect = {"nose", "paint eye 1,2", "nothing to edit", "8x8", "not in the class palette", "t0",
                "t0", "scale", "--steps"};
        for (int i = 0; i < cases.length; i++) {
            List<String> a = args(cases[i]);
            a.addAll(List.of("--out", out.toString()));
            CliRun r = CliRun.run(a.toArray(String[]::new));
            assertTrue(r.code() == 1 || r.code() == 2, r::describe);
            assertEquals(1, r.errorLines().size(), r::describe);
            assertTrue(r.errorLines().get(0).contains(expect[i]), r::describe);
            assertFalse(Files.exists(out), "no output for " + String.join(" ", cases[i]));
        }
    }
}
