package dev.retouch.eval.report;

import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    @TempDir
    Path tmp;

    @Test
    void aSmallerReportRemovesOnlyTheImagesALargerOneLeft() throws Exception {
        for (int i = 0; i < 6; i++) {
            Files.writeString(tmp.resolve(String.format("img%03d.png", i)), "old");
        }
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        Files.writeString(tmp.resolve("img7.png"), "not the report's naming");
        HtmlReport r = new HtmlReport(tmp, "t");
        RgbImage px = new RgbImage(2, 2, new float[12]);
        r.images(List.of(px, px, px), List.of("a", "b", "c"), 1);
        r.write();
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("img000.png", "img001.png", "img002.png", "img7.png", "index.html", "notes.txt"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.size(tmp.resolve("img000.png")) > 3, "rewritten as a PNG");
        String html = Files.readString(tmp.resolve("index.html"));
        assertTrue(html.contains("img002.png") && !html.contains("img003.png"), html);
    }
}
