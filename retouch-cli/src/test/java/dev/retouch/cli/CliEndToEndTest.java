package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands end to end on a tiny (8×8, randomly initialised) model: outputs, JSON, PNG metadata, determinism. */
class CliEndToEndTest {
    @TempDir
    static Path shared;
    /** 8×8: sampling. */
    static Path model;
    /** 16×16: reconstruct and sdedit (their SSIM needs at least 11×11, see the disabled tests). */
    static Path model16;

    @TempDir
    Path tmp;

    @BeforeAll
    static void createModel() {
        model = shared.resolve("tiny-model");
        CliRun.tinyModel(model, 7);
        model16 = shared.resolve("tiny-model-16");
        CliRun.tinyModel(model16, 8, CliRun.tiny16());
    }

    private static byte[] bytes(Path p) throws Exception {
        return Files.readAllBytes(p);
    }

    private static boolean isPng(Path p) throws Exception {
        byte[] b = Files.readAllBytes(p);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        return b.length > sig.length && java.util.Arrays.equals(java.util.Arrays.copyOf(b, 8), sig);
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.errorLines().isEmpty(), r::describe);
        return r;
    }

    // ------------------------------------------------------------------ sample

    @Test
    void sampleWritesPngGridJsonAndTextChunks() throws Exception {
        Path out = tmp.resolve("samples.png");
        CliRun r = ok("sample", "--model", model.toString(), "--steps", "3", "--count", "4", "--seed", "1",
                "--out", out.toString(), "--json");
        assertTrue(isPng(out), "output is not a PNG");

        JsonNode j = r.json();
        for (String k : List.of("out", "model", "sampler", "steps", "eta", "seed", "count", "seconds")) {
            assertTrue(j.has(k), "JSON lacks '" + k + "': " + r.out());
        }
        assertEquals(out.toString(), j.get("out").asText());
        assertEquals(3, j.get("steps").asInt());
        assertEquals(1, j.get("seed").asLong());
        assertEquals(4, j.get("count").asInt());
        assertTrue(j.get("seconds").isNumber() && j.get("seconds").asDouble() >= 0);

        // 4 images of 8×8 in a 2×2 grid with 2-pixel padding: 2·8 + 3·2 = 22.
        RgbImage sheet = Images.read(out, 1 << 20);
        assertEquals(22, sheet.width());
        assertEquals(22, sheet.height());

        Map<String, String> text = Images.readPngText(out);
        assertEquals("1", text.get("retouch.seed"), text::toString);
        assertEquals("3", text.get("retouch.steps"), text::toString);
        assertEquals("sample", text.get("retouch.command"), text::toString);
        assertEquals("4", text.get("retouch.count"), text::toString);
    }

    @Test
    void sampleIsDeterministicInTheSeed() throws Exception {
        String m = model.toString();
        Path a = tmp.resolve("a.png");
        Path b = tmp.resolve("b.png");
        Path c = tmp.resolve("c.png");
        ok("sample", "--model", m, "--steps", "3", "--count", "2", "--seed", "5", "--out", a.toString());
        ok("sample", "--model", m, "--steps", "3", "--count", "2", "--seed", "5", "--out", b.toString());
        ok("sample", "--model", m, "--steps", "3", "--count", "2", "--seed", "6", "--out", c.toString());
        assertArrayEquals(bytes(a), bytes(b), "same seed gave different PNG bytes");
        RgbImage ia = Images.read(a, 1 << 20);
        RgbImage ic = Images.read(c, 1 << 20);
        assertFalse(java.util.Arrays.equals(ia.chw(), ic.chw()), "different seeds gave the same pixels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ddim", "ddpm", "euler-karras", "dpmpp-2m", "dpmpp-2m-karras", "unipc", "unipc-karras", "DDIM"})
    void everySamplerRuns(String sampler) throws Exception {
        Path out = tmp.resolve(sampler + ".png");
        CliRun r = ok("sample", "--model", model.toString(), "--sampler", sampler, "--steps", "4", "--count", "2",
                "--out", out.toString(), "--json");
        assertEquals(sampler.toLowerCase(java.util.Locale.ROOT), r.json().get("sampler").asText(), r::describe);
        assertTrue(isPng(out));
    }

    @Test
    void samplePlainOutputIsKeyValueLines() {
        Path out = tmp.resolve("s.png");
        CliRun r = ok("sample", "--model", model.toString(), "--steps", "2", "--out", out.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("out: " + out)), r::describe);
        assertTrue(r.out().lines().anyMatch(l -> l.equals("steps: 2")), r::describe);
    }

    // ------------------------------------------------------------- reconstruct

    @Test
    void reconstructReportsPsnrAndSsim() throws Exception {
        Path in = CliRun.png(tmp.resolve("in.png"), 16, 16, 1);
        Path out = tmp.resolve("recon.png");
        CliRun r = ok("reconstruct", "--model", model16.toString(), "--image", in.toString(), "--steps", "3",
                "--out", out.toString(), "--json");
        JsonNode j = r.json();
        assertTrue(j.get("psnr").isNumber(), r::describe);
        assertTrue(j.get("ssim").isNumber(), r::describe);
        double ssim = j.get("ssim").asDouble();
        assertTrue(ssim >= -1 && ssim <= 1, "ssim out of range: " + ssim);
        assertTrue(isPng(out));
        RgbImage result = Images.read(out, 1 << 20);
        assertEquals(16, result.width());
        assertEquals(16, result.height());
        // The reported PSNR is the written image's against the input (up to 8-bit quantisation of the output).
        double psnrFile = Metrics.psnr(Images.read(in, 1 << 20), result, 1.0);
        assertEquals(psnrFile, j.get("psnr").asDouble(), 0.5);
        Map<String, String> text = Images.readPngText(out);
        assertEquals("reconstruct", text.get("retouch.command"));
        assertEquals("3", text.get("retouch.steps"));
        // No resize notice for an input of the model's size.
        assertFalse(r.err().contains("notice:"), r::describe);
    }

    @Test
    void reconstructResizesOtherSizesWithNotice() throws Exception {
        Path in = CliRun.png(tmp.resolve("wide.png"), 20, 12, 2);
        Path out = tmp.resolve("recon.png");
        CliRun r = ok("reconstruct", "--model", model16.toString(), "--image", in.toString(), "--steps", "3",
                "--out", out.toString(), "--json");
        List<String> notices = r.errLines().stream().filter(l -> l.startsWith("notice:")).toList();
        assertEquals(1, notices.size(), r::describe);
        String n = notices.get(0);
        assertTrue(n.contains("wide.png") && n.contains("20x12") && n.contains("16x16"), n);
        RgbImage result = Images.read(out, 1 << 20);
        assertEquals(16, result.width());
        assertEquals(16, result.height());
        assertTrue(r.json().get("psnr").isNumber());
        assertTrue(r.json().get("ssim").isNumber());
    }

    // ------------------------------------------------------------------ sdedit

    @Test
    void sdeditStrengthZeroReturnsTheResizedInput() throws Exception {
        Path in = CliRun.png(tmp.resolve("big.png"), 32, 32, 3);
        Path out = tmp.resolve("edit.png");
        CliRun r = ok("sdedit", "--model", model16.toString(), "--image", in.toString(), "--strength", "0",
                "--steps", "3", "--seed", "4", "--out", out.toString(), "--json");
        assertTrue(r.err().contains("32x32") && r.err().contains("16x16"), r::describe);
        JsonNode j = r.json();
        JsonNode psnr = j.get("psnr");
        assertTrue(psnr.isTextual() && psnr.asText().equals("Infinity") || psnr.asDouble() > 60, r::describe);
        assertEquals(1.0, j.get("ssim").asDouble(), 1e-6);
        RgbImage expected = Resize.area(Images.read(in, 1 << 20), 16, 16);
        RgbImage written = Images.read(out, 1 << 20);
        assertEquals(16, written.width());
        // The written PNG is the area-resized input up to 8-bit quantisation (≤ 0.5/255 per sample).
        assertTrue(Metrics.psnr(expected, written, 1.0) > 50, "PSNR " + Metrics.psnr(expected, written, 1.0));
        assertEquals("0.0", Images.readPngText(out).get("retouch.strength"));
    }

    @Test
    void sdeditIsDeterministicAndChangesTheImage() throws Exception {
        Path in = CliRun.png(tmp.resolve("in.png"), 16, 16, 3);
        Path a = tmp.resolve("a.png");
        Path b = tmp.resolve("b.png");
        ok("sdedit", "--model", model16.toString(), "--image", in.toString(), "--strength", "0.7", "--steps", "3",
                "--seed", "4", "--out", a.toString());
        ok("sdedit", "--model", model16.toString(), "--image", in.toString(), "--strength", "0.7", "--steps", "3",
                "--seed", "4", "--out", b.toString());
        assertArrayEquals(bytes(a), bytes(b), "sdedit is not deterministic in the seed");
        assertFalse(java.util.Arrays.equals(Images.read(in, 1 << 20).chw(), Images.read(a, 1 << 20).chw()));
    }

        /**
     * A model smaller than SSIM's 11×11 window: the command must still succeed (PSNR reported, SSIM reported as
     * null or a number) and must not exit 1 after having written its output.
     */
    @Test
    void reconstructAndSdeditOnAModelSmallerThanTheSsimWindow() {
        Path in = CliRun.png(tmp.resolve("in.png"), 8, 8, 1);
        for (String cmd : List.of("reconstruct", "sdedit")) {
            Path out = tmp.resolve(cmd + ".png");
            CliRun r = ok(cmd, "--model", model.toString(), "--image", in.toString(), "--steps", "3",
                    "--out", out.toString(), "--json");
            JsonNode j = r.json();
            assertTrue(j.get("psnr").isNumber(), r::describe);
            assertTrue(j.has("ssim") && (j.get("ssim").isNull() || j.get("ssim").isNumber()), r::describe);
            assertTrue(Files.exists(out));
        }
    }

    /** Whatever the outcome, a command that exits non-zero must not leave its output behind. */
    @Test
    void aFailingReconstructLeavesNoOutput() {
        Path in = CliRun.png(tmp.resolve("in.png"), 8, 8, 1);
        Path out = tmp.resolve("recon.png");
        CliRun r = CliRun.run("reconstruct", "--model", model.toString(), "--image", in.toString(), "--steps", "2",
                "--out", out.toString());
        assertTrue(r.code() == 0 || !Files.exists(out), "exit " + r.code() + " but " + out + " was written");
    }

// ----------------------------------------------------------------- compare

    @Test
    void compareIdenticalImages() {
        Path a = CliRun.png(tmp.resolve("a.png"), 16, 16, 9);
        CliRun r = ok("compare", "--reference", a.toString(), "--image", a.toString(), "--json");
        JsonNode j = r.json();
        JsonNode psnr = j.get("psnr");
        assertTrue((psnr.isTextual() && psnr.asText().equals("Infinity"))
                || (psnr.isNumber() && (Double.isInfinite(psnr.asDouble()) || psnr.asDouble() > 100)), r::describe);
        assertEquals(1.0, j.get("ssim").asDouble(), 1e-9);
        assertEquals(0.0, j.get("mae").asDouble(), 0.0);
        assertFalse(j.has("region"));
    }

    @Test
    void compareInsideAndOutsideAMask() throws Exception {
        int w = 16;
        int h = 16;
        RgbImage ref = CliRun.pattern(w, h, 10);
        float[] changed = ref.chw().clone();
        float[] maskValues = new float[w * h];
        // The mask is the 6×6 square at (4, 4); the image differs from the reference only inside it.
        for (int y = 4; y < 10; y++) {
            for (int x = 4; x < 10; x++) {
                maskValues[y * w + x] = 1f;
                for (int c = 0; c < 3; c++) {
                    int i = c * w * h + y * w + x;
                    changed[i] = changed[i] > 0.5f ? changed[i] - 100 / 255f : changed[i] + 100 / 255f;
                }
            }
        }
        Path a = CliRun.png(tmp.resolve("ref.png"), ref);
        Path b = CliRun.png(tmp.resolve("img.png"), new RgbImage(w, h, changed));
        Path m = tmp.resolve("mask.png");
        Images.writeMaskPng(m, new Mask(w, h, maskValues));

        JsonNode inside = ok("compare", "--reference", a.toString(), "--image", b.toString(), "--mask", m.toString(),
                "--json").json();
        JsonNode outside = ok("compare", "--reference", a.toString(), "--image", b.toString(), "--mask",
                m.toString(), "--outside", "--json").json();
        JsonNode whole = ok("compare", "--reference", a.toString(), "--image", b.toString(), "--json").json();

        assertEquals("inside", inside.get("region").asText());
        assertEquals(36, inside.get("pixels").asInt());
        assertEquals(100 / 255.0, inside.get("mae").asDouble(), 1e-4);
        assertEquals("outside", outside.get("region").asText());
        assertEquals(w * h - 36, outside.get("pixels").asInt());
        assertEquals(0.0, outside.get("mae").asDouble(), 0.0);
        JsonNode outPsnr = outside.get("psnr");
        assertTrue(outPsnr.isTextual() && outPsnr.asText().equals("Infinity") || outPsnr.asDouble() > 100,
                outside::toString);
        assertTrue(inside.get("psnr").asDouble() < 20, inside::toString);
        // The whole-image MAE is the inside MAE diluted over all pixels.
        assertEquals(100 / 255.0 * 36 / (w * h), whole.get("mae").asDouble(), 1e-4);
    }

    // -------------------------------------------------------------------- help

    @ParameterizedTest
    @ValueSource(strings = {"", "sample", "reconstruct", "sdedit", "compare", "train", "train ddpm", "train tokenizer",
            "data fetch", "demo", "bench"})
    void everyCommandHasHelpWithAnExample(String command) {
        assertHelpHasExample(command);
    }

    /** Every command in the tree: help prints, has an example, and picocli has no formatting complaint. */
    @Test
    void everyCommandInTheTreeHasCleanHelp() {
        List<String> paths = new java.util.ArrayList<>();
        collect(new picocli.CommandLine(new Main()), "", paths);
        assertTrue(paths.size() > 30, "commands found: " + paths);
        for (String command : paths) {
            assertHelpHasExample(command);
        }
    }

    private static void collect(picocli.CommandLine cl, String prefix, List<String> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) {
                continue; // the help command and aliases
            }
            String path = (prefix + " " + e.getKey()).trim();
            out.add(path);
            collect(e.getValue(), path, out);
        }
    }

    @Test
    void dataHelpHasAnExample() {
        assertHelpHasExample("data");
    }

    private static void assertHelpHasExample(String command) {
        List<String> args = new java.util.ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.out().contains("Example"), "no example in the help of '" + command + "':\n" + r.out());
        assertTrue(r.out().contains("Usage:"), r::describe);
        assertTrue(r.err().isBlank(), r::describe);
    }

    @Test
    void helpSubcommandAndVersion() {
        CliRun help = CliRun.run("help", "sample");
        assertEquals(0, help.code(), help::describe);
        assertTrue(help.out().contains("--steps"), help::describe);
        CliRun version = CliRun.run("--version");
        assertEquals(0, version.code(), version::describe);
        assertTrue(version.out().contains("retouch"), version::describe);
    }
}
