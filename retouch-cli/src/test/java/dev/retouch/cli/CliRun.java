package dev.retouch.cli;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Test helpers: runs {@link Main#execute} capturing stdout and stderr; builds tiny models and images. */
record CliRun(int code, String out, String err, double seconds) {

    /** Standard JSON only (a bare NaN or Infinity is refused), and nothing after the object. */
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Runs the CLI in-process. System.out/err are swapped BEFORE Main.execute builds its CommandLine, so picocli's
     * own writers (usage, parameter errors, the execution-exception handler) print into the captured streams.
     */
    static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        long t0 = System.nanoTime();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.execute(args);
            o.flush();
            e.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        CliRun r = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1e9);
        // Echo into the surefire report so failures can be diagnosed.
        oldErr.println("$ retouch " + String.join(" ", args) + "\n-> exit " + r.code + " in "
                + String.format("%.2f", r.seconds) + " s\n--- stdout\n" + r.out + "--- stderr\n" + r.err + "---");
        return r;
    }

    /** stdout parsed as exactly one JSON object. */
    JsonNode json() {
        try {
            JsonNode n = JSON.readTree(out);
            assertNotNull(n, "no JSON on stdout");
            assertEquals(true, n.isObject(), "stdout is not one JSON object: " + out);
            return n;
        } catch (java.io.IOException e) {
            throw new AssertionError("stdout is not valid JSON: " + e.getMessage() + "\n" + out, e);
        }
    }

    /** Non-blank stderr lines. */
    List<String> errLines() {
        return Arrays.stream(err.split("\\R")).filter(l -> !l.isBlank()).toList();
    }

    /** Lines of stderr that start with "error:". */
    List<String> errorLines() {
        return errLines().stream().filter(l -> l.startsWith("error:")).toList();
    }

    String describe() {
        return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }

    // ---------------------------------------------------------------- fixtures

    /** A freshly initialised tiny (8×8) model saved to {@code dir}; returns it. */
    static PixelDiffusionModel tinyModel(Path dir, long seed) {
        return tinyModel(dir, seed, UNet2DConfig.tiny());
    }

    /**
     * {@link UNet2DConfig#tiny()} at 16×16: still tiny (8 base channels), but at least as large as SSIM's 11×11
     * window, which reconstruct and sdedit report.
     */
    static UNet2DConfig tiny16() {
        UNet2DConfig t = UNet2DConfig.tiny();
        return new UNet2DConfig(16, t.inChannels(), t.outChannels(), t.baseChannels(), t.channelMult(),
                t.layersPerBlock(), java.util.List.of(8), t.attentionHeadDim(), t.normGroups(), t.normEps(),
                t.dropout(), t.flipSinToCos(), t.freqShift());
    }

    static PixelDiffusionModel tinyModel(Path dir, long seed, UNet2DConfig unet) {
        PixelDiffusionModel m = PixelDiffusionModel.create(DdpmConfig.of(unet, NoiseScheduleConfig.ddpmLinear()), seed);
        m.save(dir, m.unet().stateDict(), "# tiny test model\n");
        return m;
    }

    /** A deterministic RGB test pattern with values on the 8-bit grid (so PNG round trips are exact). */
    static RgbImage pattern(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = r.nextInt(256) / 255f;
        }
        return new RgbImage(w, h, chw);
    }

    static Path png(Path file, RgbImage img) {
        Images.writePng(file, img, Map.of());
        return file;
    }

    static Path png(Path file, int w, int h, long seed) {
        return png(file, pattern(w, h, seed));
    }
}
