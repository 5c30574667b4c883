package dev.retouch.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parity with scikit-image: golden values written by {@code scripts/skimage_golden.py} from the same PNGs
 * (SSIM within 1e-4 absolute, PSNR within 1e-4 relative, MAE/MSE within 1e-6).
 */
class MetricsParityTest {

    private static final double SSIM_TOL = 1e-4;
    private static final double PSNR_REL_TOL = 1e-4;
    private static final double ERR_TOL = 1e-6;

    private double maxSsimDiff;
    private double maxPsnrRelDiff;
    private double maxErrDiff;

    static Path resource(String name) {
        try {
            return Path.of(MetricsParityTest.class.getResource("/metrics/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void matchesScikitImageOnEveryGoldenPair() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(resource("golden.json").toFile());
        assertTrue(golden.get("versions").get("skimage").asText().length() > 0);
        int checked = 0;
        for (JsonNode pair : golden.get("pairs")) {
            RgbImage a = Images.read(resource(pair.get("a").asText()), 1 << 20);
            RgbImage b = Images.read(resource(pair.get("b").asText()), 1 << 20);
            String what = pair.get("a").asText() + " vs " + pair.get("b").asText();
            assertEquals(pair.get("ssim").asDouble(), Metrics.ssim(a, b, 1.0), SSIM_TOL, what + " ssim");
            assertPsnr(pair.get("psnr"), Metrics.psnr(a, b, 1.0), what);
            assertEquals(pair.get("mae").asDouble(), Metrics.mae(a, b), ERR_TOL, what + " mae");
            assertEquals(pair.get("mse").asDouble(), Metrics.mse(a, b), ERR_TOL, what + " mse");
            track(pair, a, b, null, false);
            if (pair.has("mask")) {
                Mask mask = Images.readMask(resource(pair.get("mask").asText()), a.width(), a.height());
                assertRegion(pair.get("inside"), a, b, mask, false, what + " inside");
                assertRegion(pair.get("outside"), a, b, mask, true, what + " outside");
                track(pair.get("inside"), a, b, mask, false);
                track(pair.get("outside"), a, b, mask, true);
            }
            checked++;
        }
        assertEquals(5, checked);
        System.out.printf("max |ssim diff| %.3g, max psnr relative diff %.3g, max |mae/mse diff| %.3g%n",
                maxSsimDiff, maxPsnrRelDiff, maxErrDiff);
    }

    private void track(JsonNode g, RgbImage a, RgbImage b, Mask mask, boolean outside) {
        boolean full = mask == null;
        maxSsimDiff = Math.max(maxSsimDiff, Math.abs(g.get("ssim").asDouble()
                - (full ? Metrics.ssim(a, b, 1.0) : Metrics.ssim(a, b, 1.0, mask, outside))));
        double mae = full ? Metrics.mae(a, b) : Metrics.mae(a, b, mask, outside);
        double mse = full ? Metrics.mse(a, b) : Metrics.mse(a, b, mask, outside);
        maxErrDiff = Math.max(maxErrDiff, Math.max(Math.abs(g.get("mae").asDouble() - mae),
                Math.abs(g.get("mse").asDouble() - mse)));
        if (!g.get("psnr").isTextual()) {
            double e = g.get("psnr").asDouble();
            double psnr = full ? Metrics.psnr(a, b, 1.0) : Metrics.psnr(a, b, 1.0, mask, outside);
            maxPsnrRelDiff = Math.max(maxPsnrRelDiff, Math.abs(psnr - e) / e);
        }
    }

    private static void assertRegion(JsonNode g, RgbImage a, RgbImage b, Mask mask, boolean outside, String what) {
        assertEquals(g.get("count").asInt(), outside ? a.pixels() - mask.count() : mask.count(), what + " count");
        assertEquals(g.get("mse").asDouble(), Metrics.mse(a, b, mask, outside), ERR_TOL, what + " mse");
        assertEquals(g.get("mae").asDouble(), Metrics.mae(a, b, mask, outside), ERR_TOL, what + " mae");
        assertPsnr(g.get("psnr"), Metrics.psnr(a, b, 1.0, mask, outside), what);
        assertEquals(g.get("ssim").asDouble(), Metrics.ssim(a, b, 1.0, mask, outside), SSIM_TOL, what + " ssim");
        ImageScores s = Metrics.compare(a, b, mask, outside);
        assertEquals(Metrics.ssim(a, b, 1.0, mask, outside), s.ssim());
        assertEquals(Metrics.mae(a, b, mask, outside), s.mae());
    }

    private static void assertPsnr(JsonNode expected, double actual, String what) {
        if (expected.isTextual()) {
            assertEquals("inf", expected.asText());
            assertEquals(Double.POSITIVE_INFINITY, actual, what + " psnr");
        } else {
            double e = expected.asDouble();
            assertEquals(e, actual, Math.abs(e) * PSNR_REL_TOL, what + " psnr");
        }
    }
}
