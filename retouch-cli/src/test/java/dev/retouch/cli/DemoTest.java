package dev.retouch.cli;

import dev.retouch.eval.demo.Demo;

import dev.retouch.eval.report.HtmlReport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retouch demo --quick}: the HTML report, on the shipped model when there is one, else on a stand-in. */
class DemoTest {
    static final List<String> SECTIONS = List.of("About", "Unconditional samples (emoji-ddpm-32)",
            "DDIM inversion and reconstruction", "SDEdit", "pixelguide (paper 004)", "Total");

    @TempDir
    Path tmp;

    /** The repository root: the nearest ancestor of the working directory holding retouch-cli/ and pom.xml. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("retouch-cli")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    @Test
    void demoOnTheShippedModel() throws Exception {
        Path root = repoRoot();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("models").resolve(Demo.PIXEL_MODEL)),
                "no shipped model at " + root.resolve("models").resolve(Demo.PIXEL_MODEL));
        checkDemo(root, tmp.resolve("demo"));
    }

    /** The same checks with a tiny 16×16 model standing in for emoji-ddpm-32, so the report is tested today. */
    @Test
    void demoOnAStandInModel() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("models"));
        var model = CliRun.tinyModel(home.resolve("models").resolve(Demo.PIXEL_MODEL), 11, CliRun.tiny16());
        tinyClassifiers(model).save(home.resolve("models").resolve(Demo.CLASSIFIERS), "# tiny\n");
        checkDemo(home, tmp.resolve("report"));
    }

    /** Classifiers fitted to a synthetic 16×16 face map (eyes, a mouth with teeth) on random images. */
    static dev.retouch.edit.pixelguide.PixelClassifiers tinyClassifiers(
            dev.retouch.diffusion.model.PixelDiffusionModel model) {
        byte[] c = new byte[256];
        for (int p = 0; p < 256; p++) {
            int y = p / 16;
            int x = p % 16;
            var cls = y >= 11 && y <= 13 && x >= 4 && x <= 11 ? (y == 12 ? dev.retouch.edit.pixelguide.FaceClass.TEETH
                    : dev.retouch.edit.pixelguide.FaceClass.MOUTH)
                    : y == 5 && (x == 4 || x == 11) ? dev.retouch.edit.pixelguide.FaceClass.EYE
                    : dev.retouch.edit.pixelguide.FaceClass.FACE;
            c[p] = (byte) cls.ordinal();
        }
        var map = new dev.retouch.edit.pixelguide.LabelMap(16, 16, c);
        var images = dev.retouch.core.tensor.Tensors.rand(dev.retouch.core.tensor.Tensors.generator(2), 4, 3, 16, 16);
        return dev.retouch.edit.pixelguide.ClassifierTraining.train(model, "tiny", images, List.of(map, map, map, map),
                List.of(0, 480, 740), new dev.retouch.edit.pixelguide.ClassifierTraining.Options(8, 8, 64, 2, 1e-2, 0),
                null);
    }

    @Test
    void demoWithoutTheModelNamesIt() {
        Path home = tmp.resolve("empty-home");
        String old = System.getProperty("retouch.home");
        try {
            System.setProperty("retouch.home", home.toString());
            CliRun r = CliRun.run("demo", "--out", tmp.resolve("report").toString(), "--quick");
            assertEquals(1, r.code(), r::describe);
            assertEquals(1, r.errorLines().size(), r::describe);
            String line = r.errorLines().get(0);
            assertTrue(line.contains(Demo.PIXEL_MODEL) && line.contains(home.resolve("models").toString()), line);
            assertTrue(!r.err().contains("\tat "), r::describe);
        } finally {
            restore(old);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty("retouch.home");
        } else {
            System.setProperty("retouch.home", old);
        }
    }

    private static void checkDemo(Path home, Path out) throws Exception {
        String old = System.getProperty("retouch.home");
        CliRun r;
        try {
            System.setProperty("retouch.home", home.toString());
            r = CliRun.run("demo", "--out", out.toString(), "--quick", "--json");
        } finally {
            restore(old);
        }
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        Path index = out.resolve("index.html");
        assertEquals(index.toString(), j.get("report").asText());
        assertTrue(j.get("seconds").isNumber());
        assertTrue(Files.isRegularFile(index), "no " + index);

        String html = Files.readString(index);
        assertTrue(html.startsWith("<!doctype html>"), html);
        assertTrue(html.trim().endsWith("</html>"), html);
        for (String s : SECTIONS) {
            assertTrue(html.contains("<h2>" + HtmlReport.esc(s) + "</h2>"), "no section '" + s + "' in\n" + html);
        }

        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        List<String> srcs = new ArrayList<>();
        while (m.find()) {
            srcs.add(m.group(1));
        }
        // --quick, per section: 4 samples, 2 × (input, x_T, reconstruction), 2 × (input + 3 strengths), pixelguide
        // rows of 6 images (input, segmentation, target map, ROI, result, SDEdit) with at most one edit per face
        // input; with emoji-vae shipped 2 × (input, decoded), with emoji-ldm 2 captions × 2 and 1 × (input + 3).
        Map<String, String> sections = sections(html);
        assertEquals(4, images(sections.get("Unconditional samples (emoji-ddpm-32)")), html);
        assertEquals(2 * 3, images(sections.get("DDIM inversion and reconstruction")), html);
        assertEquals(2 * 4, images(sections.get("SDEdit")), html);
        // with emoji-judge shipped, every image carries its label and pixelguide rows add the judge's map
        boolean judged = Files.isDirectory(home.resolve("models").resolve(Demo.JUDGE));
        assertEquals(judged, html.contains("<br><i>judge: "), "judge labels iff the judge is shipped");
        int perRow = judged ? 7 : 6;
        int pixel = images(sections.get("pixelguide (paper 004)"));
        assertTrue(pixel <= 2 * perRow && pixel % perRow == 0, "pixelguide images: " + pixel);
        String vae = sections.get("Autoencoder (emoji-vae)");
        assertTrue(vae != null && (vae.contains("not shipped yet") ? images(vae) == 0 : images(vae) == 4), html);
        int latent = 0;
        if (sections.containsKey("Text-to-image (emoji-ldm)")) {
            assertEquals(2 * 2, images(sections.get("Text-to-image (emoji-ldm)")), html);
            assertEquals(1 + 3, images(sections.get("img2img (emoji-ldm)")), html);
            latent = 8;
        } else {
            assertTrue(sections.get("Text-to-image and img2img (emoji-ldm)").contains("not shipped yet"), html);
        }
        String fewshot = sections.get("fewshot (paper 000)");
        int few = images(fewshot);
        if (fewshot.contains("not shipped yet")) {
            assertEquals(0, few, html);
        } else {
            // up to 6 training pairs (before, after), then one held-out row (input, edited, ground truth)
            assertTrue(few > 0 && few <= 12 && few % 2 == 0, "fewshot training pairs shown: " + few);
            assertEquals(3, images(sections.get("fewshot on held-out emoji")), html);
            few += 3;
        }
        String sine = sections.get(Demo.SINE_TITLE);
        assertTrue(sine != null, html);
        int sineImages = sine.contains("not shipped yet") ? 0 : 1 + 2 * 2;
        assertEquals(sineImages, images(sine), html);
        if (sineImages > 0) { // and ours: the input, then each prompt with the v chosen for it
            String auto = sections.get(Demo.SINE_AUTO_TITLE);
            assertEquals(3, images(auto), html);
            java.util.regex.Matcher chosen = java.util.regex.Pattern.compile("v per image: ([0-9.]+)").matcher(auto);
            int n = 0;
            while (chosen.find()) {
                double v = Double.parseDouble(chosen.group(1));
                assertTrue(v == 1.0 || java.util.Arrays.stream(dev.retouch.edit.sine.SineAutoV.CANDIDATES)
                        .anyMatch(c -> c == v), auto);
                n++;
            }
            assertEquals(2, n, auto);
            sineImages += 3;
        }
        // rectifier: one face (input, base, rectified) and each shipped edit on it (input, edited); an edit trained on
        // a skin tone's people is shown on one held-out person instead (input, edited, the real tone)
        String rect = sections.get("rectifier (paper 002)");
        int rectImages;
        if (rect != null) {
            assertTrue(rect.contains("not shipped yet"), html);
            rectImages = 0;
        } else {
            assertEquals(3, images(sections.get("rectifier (paper 002): reconstruction")), html);
            long edits;
            try (var dirs = Files.list(home.resolve("models/effects"))) {
                edits = dirs.filter(d -> Files.isRegularFile(d.resolve("edit.json"))).count();
            }
            assertTrue(edits >= 1, "shipped rectifier edits: " + edits);
            int shown = 0;
            int editImages = 0;
            for (var e : sections.entrySet()) {
                if (e.getKey().startsWith("rectifier (paper 002): edit ")) {
                    String name = e.getKey().substring("rectifier (paper 002): edit ".length());
                    String images = new com.fasterxml.jackson.databind.ObjectMapper().readTree(home.resolve(
                            "models/effects").resolve(name).resolve("edit.json").toFile()).path("images").asText();
                    int want = images.contains("@") ? 3 : 2;
                    assertEquals(want, images(e.getValue()), e.getKey());
                    editImages += want;
                    shown++;
                }
            }
            assertEquals(edits, shown, html);
            rectImages = 3 + editImages;
        }
        // portrait: man → woman on one bundled man (input, edit, mask, the real woman); one expression target on one
        // face with and without the mask (input and edit each)
        int portraitImages = 0;
        for (var e : sections.entrySet()) {
            if (e.getKey().equals("portrait (paper 003): portrait-man-woman")) {
                assertEquals(4, images(e.getValue()), e.getKey());
                portraitImages += 4;
            } else if (e.getKey().equals("portrait (paper 003): portrait-expression")) {
                assertEquals(4, images(e.getValue()), e.getKey());
                portraitImages += 4;
            }
        }
        assertEquals((Files.isDirectory(home.resolve("models/portrait-man-woman")) ? 4 : 0)
                + (Files.isDirectory(home.resolve("models/portrait-expression")) ? 4 : 0), portraitImages, html);
        assertEquals(4 + 6 + 8 + pixel + images(vae) + latent + few + sineImages + rectImages + portraitImages,
                srcs.size(),
                "images in the report: " + srcs);
        assertEquals(srcs.size(), srcs.stream().distinct().count(), "an image file is referenced twice");
        for (String src : srcs) {
            assertTrue(src.endsWith(".png") && !src.contains("/") && !src.contains(".."), src);
            Path p = out.resolve(src);
            assertTrue(Files.isRegularFile(p), "the report references a missing file " + p);
            RgbImage img = Images.read(p, 1 << 20);
            assertTrue(img.width() > 0 && img.height() > 0);
        }
        // The reconstruction table has one row per input with numeric PSNR and SSIM.
        assertTrue(html.contains("<th>PSNR dB</th>") && html.contains("<th>SSIM</th>"), html);
        assertEquals(2, Pattern.compile("<tr><td>1f[0-9a-f]+\\.png</td>")
                .matcher(sections.get("DDIM inversion and reconstruction")).results().count(), html);
    }

    /** The report's sections: heading → the HTML up to the next heading. */
    static Map<String, String> sections(String html) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher h = Pattern.compile("<h2>(.*?)</h2>").matcher(html);
        String name = null;
        int from = 0;
        while (h.find()) {
            if (name != null) {
                out.put(name, html.substring(from, h.start()));
            }
            name = h.group(1).replace("&amp;", "&");
            from = h.end();
        }
        if (name != null) {
            out.put(name, html.substring(from));
        }
        return out;
    }

    private static int images(String sectionHtml) {
        assertTrue(sectionHtml != null, "missing section");
        return (int) Pattern.compile("<img src=").matcher(sectionHtml).results().count();
    }
}
