package dev.retouch.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PNGs encoded by PIL (or by hand, 16-bit) in modes javax.imageio decodes differently: grey, 1-bit grey,
 * grey+alpha, 2-bit palette with tRNS, RGBA and 16-bit RGB. Expected values, composited on white in float64, come from
 * {@code scripts/skimage_golden.py} ({@code image/image_golden.json}, HWC order).
 */
class ImagesFixtureTest {

    @Test
    void pilEncodedFixturesReadToTheExpectedValues() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/image/image_golden.json").toURI()).getParent();
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("image_golden.json").toFile());
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("_")) continue;
            RgbImage img = Images.read(dir.resolve(e.getKey()), 100);
            int w = e.getValue().get("width").asInt();
            int h = e.getValue().get("height").asInt();
            assertEquals(w, img.width(), e.getKey());
            assertEquals(h, img.height(), e.getKey());
            JsonNode hwc = e.getValue().get("hwc");
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(hwc.get((y * w + x) * 3 + c).asDouble(), img.get(c, y, x), 1e-6,
                                e.getKey() + " at c=" + c + " y=" + y + " x=" + x);
                    }
                }
            }
            checked++;
        }
        assertEquals(6, checked);
    }
}
