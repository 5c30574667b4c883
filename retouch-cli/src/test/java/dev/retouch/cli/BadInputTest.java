package dev.retouch.cli;

import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §8: every bad input fails with a non-zero exit, ONE stderr line "error: …" naming the problem (file,
 * expected, found), no stack trace unless --debug, and no output file (a pre-existing one is left untouched).
 */
class BadInputTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path good;
    static Path wide;
    static Path mask8;
    static Path mask16;
    static Path empty;
    static Path truncated;
    static Path truncatedJpeg;
    static Path truncatedIdat;
    static Path text;
    static Path huge;
    static Path noWeights;
    static Path badHeader;
    static Path wrongShape;
    static Path nanWeights;
    static Path badConfig;
    static String shapeKey;
    static String shapeExpected;
    static String nanKey;

    @BeforeAll
    static void fixtures() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        model = dir.resolve("tiny");
        PixelDiffusionModel m = CliRun.tinyModel(model, 3);
        good = CliRun.png(dir.resolve("good.png"), 8, 8, 1);
        wide = CliRun.png(dir.resolve("wide.png"), 20, 12, 2);
        mask8 = CliRun.png(dir.resolve("mask8.png"), 8, 8, 3);
        mask16 = CliRun.png(dir.resolve("mask16.png"), 16, 16, 3);

        empty = Files.createFile(dir.resolve("empty.png"));
        Path full = CliRun.png(dir.resolve("full.png"), 32, 32, 4);
        byte[] fullBytes = Files.readAllBytes(full);
        truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(fullBytes, fullBytes.length * 6 / 10));
        java.awt.image.BufferedImage bi = new java.awt.image.BufferedImage(64, 64,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random rnd = new java.util.Random(5);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                bi.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        Path jpeg = dir.resolve("full.jpg");
        javax.imageio.ImageIO.write(bi, "jpg", jpeg.toFile());
        byte[] jpegBytes = Files.readAllBytes(jpeg);
        truncatedJpeg = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpegBytes, jpegBytes.length * 6 / 10));
        truncatedIdat = Files.write(dir.resolve("truncated-idat.png"),
                Arrays.copyOf(fullBytes, fullBytes.length - 40));
        text = Files.writeString(dir.resolve("notes.png"), "these are my notes, not an image\n");
        huge = Files.write(dir.resolve("huge.png"), pngHeaderOnly(20000, 20000));

        byte[] config = Files.readAllBytes(model.resolve(ModelDirectory.CONFIG));
        noWeights = modelDir("no-weights", config, null);

        // A header length (1,000,000) far beyond the 24-byte file.
        ByteBuffer bad = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000L);
        bad.put("{}      ".getBytes(StandardCharsets.US_ASCII)).put(new byte[8]);
        badHeader = modelDir("bad-header", config, null);
        Files.write(badHeader.resolve(ModelDirectory.WEIGHTS), bad.array());

        Map<String, Tensor> state = m.unet().stateDict();
        shapeKey = state.keySet().iterator().next();
        shapeExpected = Tensors.shapeString(state.get(shapeKey));
        Map<String, Tensor> reshaped = new LinkedHashMap<>(state);
        reshaped.put(shapeKey, Tensors.of(new float[6], 2, 3));
        wrongShape = modelDir("wrong-shape", config, reshaped);

        List<String> keys = new ArrayList<>(state.keySet());
        nanKey = keys.get(keys.size() / 2);
        Tensor t = state.get(nanKey);
        float[] values = Tensors.toFloats(t);
        values[values.length / 2] = Float.NaN;
        Map<String, Tensor> poisoned = new LinkedHashMap<>(state);
        poisoned.put(nanKey, Tensors.of(values, Tensors.shape(t)));
        nanWeights = modelDir("nan-weights", config, poisoned);

        String otherType = new String(config, StandardCharsets.UTF_8).replace("\"ddpm-unet2d\"", "\"vae\"");
        badConfig = modelDir("bad-config", otherType.getBytes(StandardCharsets.UTF_8), state);
    }

    private static Path modelDir(String name, byte[] config, Map<String, Tensor> weights) throws Exception {
        Path d = Files.createDirectory(dir.resolve(name));
        Files.write(d.resolve(ModelDirectory.CONFIG), config);
        Files.writeString(d.resolve(ModelDirectory.MODEL_CARD), "# broken on purpose\n");
        if (weights != null) {
            Safetensors.save(d.resolve(ModelDirectory.WEIGHTS), weights, Map.of("format", "pt"));
        }
        return d;
    }

    /** A PNG that is only a signature, a valid IHDR (with CRC) declaring w×h RGB8, and IEND: no pixel data. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0).array();
        chunk(b, "IHDR", ihdr);
        chunk(b, "IEND", new byte[0]);
        return b.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream b, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        b.writeBytes(t);
        b.writeBytes(data);
        b.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // ------------------------------------------------------------------ cases

    /**
     * One bad invocation. {@code out} is the output path passed in {@code args} (null for commands without one);
     * {@code code} is 1 for runtime failures, or 0 for "1 or 2" (option values out of range: see
     * {@link #outOfRangeOptionValuesAreUsageErrors}); every string in {@code names} must appear in the error line.
     */
    record Case(String name, int code, Path out, List<String> args, List<String> names) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Path out(String name) {
        return dir.resolve("out").resolve(name + ".png");
    }

    private static Case recon(String name, Path image, String... names) {
        Path o = out(name);
        return new Case(name, 1, o, List.of("reconstruct", "--model", model.toString(), "--image", image.toString(),
                "--steps", "2", "--out", o.toString()), List.of(names));
    }

    private static Case sample(String name, int code, Path modelDir, List<String> extra, String... names) {
        Path o = out(name);
        List<String> args = new ArrayList<>(List.of("sample", "--model", modelDir.toString(), "--out", o.toString()));
        args.addAll(extra.contains("--steps") ? extra : List.of("--steps", "2"));
        if (extra.contains("--steps")) {
            return new Case(name, code, o, args, List.of(names));
        }
        args.addAll(extra);
        return new Case(name, code, o, args, List.of(names));
    }

    private static Case sdedit(String name, String strength, String... names) {
        Path o = out(name);
        return new Case(name, 0, o, List.of("sdedit", "--model", model.toString(), "--image", good.toString(),
                "--strength", strength, "--steps", "4", "--out", o.toString()), List.of(names));
    }

    private static Case compare(String name, List<String> extra, String... names) {
        List<String> args = new ArrayList<>(List.of("compare"));
        args.addAll(extra);
        return new Case(name, 1, null, args, List.of(names));
    }

    static Stream<Case> cases() {
        Path missingDir = dir.resolve("no-such-dir");
        Path missingOut = missingDir.resolve("x.png");
        return Stream.of(
                recon("missing input", dir.resolve("missing.png"), "missing.png", "no such file"),
                recon("input is a directory", dir.resolve("out"), "out", "not a regular file"),
                recon("empty input", empty, "empty.png", "empty", "0 bytes"),
                recon("truncated PNG", truncated, "truncated.png", "truncated"),
                recon("PNG cut inside IDAT", truncatedIdat, "truncated-idat.png", "truncated"),
                recon("truncated JPEG", truncatedJpeg, "truncated.jpg", "truncated", "JPEG"),
                recon("text file named .png", text, "notes.png", "not a PNG or JPEG"),
                recon("image over the pixel limit", huge, "huge.png", "20000x20000",
                        String.valueOf(CliSupport.MAX_PIXELS)),
                sample("model dir missing", 1, dir.resolve("no-such-model"), List.of(), "no-such-model"),
                sample("config but no weights", 1, noWeights, List.of(), "no-weights", "model.safetensors"),
                sample("header length past the end", 1, badHeader, List.of(), "bad-header",
                        "model.safetensors", "1000000", "end of the file"),
                sample("weights of the wrong shape", 1, wrongShape, List.of(), "wrong-shape", shapeKey,
                        shapeExpected, "[2, 3]"),
                sample("NaN weights", 1, nanWeights, List.of(), "nan-weights", nanKey, "NaN"),
                sample("config of another type", 1, badConfig, List.of(), "bad-config", "config.json",
                        "ddpm-unet2d", "vae"),
                sample("steps 0", 0, model, List.of("--steps", "0"), "--steps", "0"),
                sample("steps 5000", 0, model, List.of("--steps", "5000"), "--steps", "5000", "1000"),
                sample("count 0", 0, model, List.of("--count", "0"), "--count", "0"),
                sample("negative eta", 0, model, List.of("--eta", "-1"), "--eta", "-1"),
                sample("eta with a sampler that has none", 0, model, List.of("--sampler", "dpmpp-2m", "--eta", "0.5"),
                        "--eta", "0.5", "ddim", "dpmpp-2m"),
                sdedit("negative strength", "-0.5", "--strength", "-0.5"),
                sdedit("strength 1.5", "1.5", "--strength", "1.5"),
                sdedit("strength NaN", "NaN", "--strength", "NaN"),
                new Case("sample output dir missing", 1, missingOut, List.of("sample", "--model", model.toString(),
                        "--steps", "2", "--out", missingOut.toString()), List.of(missingDir.toString(), "does not exist")),
                new Case("reconstruct output dir missing", 1, missingOut, List.of("reconstruct", "--model",
                        model.toString(), "--image", good.toString(), "--steps", "2", "--out", missingOut.toString()),
                        List.of(missingDir.toString(), "does not exist")),
                new Case("sdedit output dir missing", 1, missingOut, List.of("sdedit", "--model", model.toString(),
                        "--image", good.toString(), "--steps", "2", "--out", missingOut.toString()),
                        List.of(missingDir.toString(), "does not exist")),
                compare("compare images of different sizes", List.of("--reference", good.toString(), "--image",
                        wide.toString()), "wide.png", "20x12", "8x8"),
                compare("compare mask of another size", List.of("--reference", good.toString(), "--image",
                        good.toString(), "--mask", mask16.toString()), "mask16.png", "16x16", "8x8"),
                compare("compare missing reference", List.of("--reference", dir.resolve("nope.png").toString(),
                        "--image", good.toString()), "nope.png", "no such file"),
                new Case("compare --outside without --mask", 0, null, List.of("compare", "--reference",
                        good.toString(), "--image", good.toString(), "--outside"), List.of("--outside", "--mask")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithOneClearErrorLineAndNoOutput(Case c) throws Exception {
        if (c.out != null) {
            Files.deleteIfExists(c.out);
        }
        CliRun r = CliRun.run(c.args.toArray(String[]::new));
        if (c.code == 0) {
            assertTrue(r.code() == 1 || r.code() == 2, r::describe);
        } else {
            assertEquals(c.code, r.code(), r::describe);
        }
        assertEquals(1, r.errorLines().size(), () -> "expected one 'error:' line\n" + r.describe());
        assertEquals(r.errorLines(), r.errLines(), () -> "stderr has more than the error line\n" + r.describe());
        String line = r.errorLines().get(0);
        for (String n : c.names) {
            assertTrue(line.contains(n), () -> "the error line does not name '" + n + "': " + line);
        }
        assertFalse(r.err().contains("\tat "), () -> "stack trace without --debug\n" + r.describe());
        assertTrue(r.out().isEmpty(), r::describe);
        if (c.out != null) {
            assertFalse(Files.exists(c.out), c.out + " was created");
            if (Files.isDirectory(c.out.getParent())) {
                try (Stream<Path> s = Files.list(c.out.getParent())) {
                    String name = c.out.getFileName().toString();
                    assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(name)),
                            "a temporary output was left behind");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void debugShowsTheStackTraceAndKeepsAnExistingOutput(Case c) throws Exception {
        boolean hasOutput = c.out != null && Files.isDirectory(c.out.getParent());
        byte[] precious = "precious bytes, not a PNG".getBytes(StandardCharsets.UTF_8);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        if (hasOutput) {
            Files.write(c.out, precious);
            Files.setLastModifiedTime(c.out, old);
        }
        List<String> args = new ArrayList<>(c.args);
        args.add("--debug");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertNotEquals(0, r.code(), r::describe);
        assertTrue(r.err().contains("\tat "), () -> "no stack trace with --debug\n" + r.describe());
        assertEquals(1, r.errorLines().size(), r::describe);
        if (hasOutput) {
            assertArrayEquals(precious, Files.readAllBytes(c.out), "the existing output was changed");
            assertEquals(old, Files.getLastModifiedTime(c.out), "the existing output was rewritten");
            Files.delete(c.out);
        }
    }

    // ------------------------------------------------------------- fail fast

    @Test
    void missingOutputDirectoryFailsBeforeAnyWork() {
        Path missing = dir.resolve("nowhere").resolve("samples.png");
        // 256 images × 1000 steps would take minutes even on the tiny model; the check must come first.
        CliRun r = CliRun.run("sample", "--model", model.toString(), "--steps", "1000", "--count", "256", "--out",
                missing.toString());
        assertEquals(1, r.code(), r::describe);
        assertTrue(r.seconds() < 5, "took " + r.seconds() + " s");
        assertTrue(r.errorLines().get(0).contains("does not exist"), r::describe);
        assertFalse(r.err().contains("sample ["), "the sampling loop started:\n" + r.describe());
        assertFalse(Files.exists(missing.getParent()), "the missing directory was created");
    }

    @Test
    void outputThatIsADirectoryIsRefused() throws Exception {
        Path d = Files.createDirectories(dir.resolve("an-output-dir"));
        CliRun r = CliRun.run("sample", "--model", model.toString(), "--steps", "2", "--out", d.toString());
        assertEquals(1, r.code(), r::describe);
        assertEquals(1, r.errorLines().size(), r::describe);
        String line = r.errorLines().get(0);
        assertTrue(line.contains(d.toString()) && line.contains("directory"), line);
        assertTrue(Files.isDirectory(d));
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(0, s.count(), "something was written into " + d);
        }
    }

    /** Like a missing directory, an --out that is a directory is known before any work. */
    @Test
    void outputThatIsADirectoryFailsBeforeAnyWork() throws Exception {
        Path d = Files.createDirectories(dir.resolve("an-output-dir"));
        CliRun r = CliRun.run("sample", "--model", model.toString(), "--steps", "2", "--out", d.toString());
        assertEquals(1, r.code(), r::describe);
        assertEquals(r.errorLines(), r.errLines(), () -> "work was done before the error:\n" + r.describe());
    }

    // ------------------------------------------------------------ usage errors

    static Stream<Arguments> usageErrors() {
        String m = model.toString();
        Path o = dir.resolve("usage.png");
        return Stream.of(
                Arguments.of("--bogus", List.of("sample", "--model", m, "--bogus", "--out", o.toString())),
                Arguments.of("--steps", List.of("sample", "--model", m, "--steps", "many", "--out", o.toString())),
                Arguments.of("--sampler", List.of("sample", "--model", m, "--sampler", "EULER", "--out", o.toString())),
                Arguments.of("dpmpp-2m-karras", // the message lists the samplers
                        List.of("sample", "--model", m, "--sampler", "heun", "--out", o.toString())),
                Arguments.of("--out", List.of("sample", "--model", m)),
                Arguments.of("frobnicate", List.of("frobnicate")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsExitTwoAndNameTheOption(String option, List<String> args) {
        Path o = dir.resolve("usage.png");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r::describe);
        assertTrue(r.err().contains(option), r::describe);
        assertFalse(r.err().contains("\tat "), r::describe);
        assertTrue(r.out().isEmpty(), r::describe);
        assertFalse(Files.exists(o));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsHaveOneErrorLine(String option, List<String> args) {
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r::describe);
        assertEquals(1, r.errorLines().size(), r::describe);
        assertTrue(r.errorLines().get(0).contains(option), r::describe);
        assertTrue(r.errLines().get(0).startsWith("error:"), "the error must come first:\n" + r.describe());
        assertTrue(r.errLines().size() <= 2, "the usage text buries the error:\n" + r.describe());
    }

    /**
     * Option values out of range are the caller's mistake, like picocli's own "Invalid value for option": exit 2
     * (Main documents "0 ok, 1 failure, 2 usage").
     */
    @Test
    void outOfRangeOptionValuesAreUsageErrors() {
        for (Case c : cases().filter(c -> c.code == 0).toList()) {
            CliRun r = CliRun.run(c.args.toArray(String[]::new));
            assertEquals(2, r.code(), () -> c.name + ": " + r.describe());
        }
    }

    /** Integer options are shown as integers: "--steps must be in [1, 1000], got 5000", not "5000.0000". */
    @Test
    void integerRangeMessagesShowIntegers() {
        CliRun r = CliRun.run("sample", "--model", model.toString(), "--steps", "5000", "--out",
                out("int-range").toString());
        assertEquals(1, r.errorLines().size(), r::describe);
        String line = r.errorLines().get(0);
        assertTrue(line.contains("[1, 1000]") && line.matches(".*got 5000(?![.\\d]).*"), line);
    }
}
