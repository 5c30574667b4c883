package dev.retouch.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §8 for the latent commands: a bad input exits 1 (runtime) or 2 (usage) with ONE "error: …" line naming the
 * problem, no stack trace unless --debug, nothing on stdout and no output file.
 */
class LatentBadInputTest {
    @TempDir
    static Path dir;

    static Path ldm;
    static Path mismatched;
    static Path pixel;
    static Path good;

    @BeforeAll
    static void fixtures() throws Exception {
        ldm = LatentFixtures.bundle(Files.createDirectory(dir.resolve("ok")), 1);
        mismatched = LatentFixtures.bundle(Files.createDirectory(dir.resolve("mismatch")), 2);
        LatentFixtures.clip(dir.resolve("mismatch").resolve("clip"), 3, 24);
        pixel = dir.resolve("pixel");
        CliRun.tinyModel(pixel, 4, CliRun.tiny16());
        good = CliRun.png(dir.resolve("good.png"), 16, 16, 1);
        Files.createDirectories(dir.resolve("out"));
    }

    /** {@code code} 1 = runtime failure, 2 = usage error; every string of {@code names} must be in the error line. */
    record Case(String name, int code, Path out, List<String> args, List<String> names) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Path out(String name) {
        return dir.resolve("out").resolve(name.replace(' ', '-') + ".png");
    }

    private static Case generate(String name, int code, Path model, List<String> extra, String... names) {
        Path o = out(name);
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--prompt", "red heart",
                "--out", o.toString()));
        args.addAll(extra.contains("--steps") ? List.of() : List.of("--steps", "2"));
        args.addAll(extra);
        return new Case(name, code, o, args, List.of(names));
    }

    private static Case img2img(String name, int code, Path image, List<String> extra, String... names) {
        Path o = out(name);
        List<String> args = new ArrayList<>(List.of("img2img", "--model", ldm.toString(), "--image", image.toString(),
                "--prompt", "cat", "--steps", "2", "--out", o.toString()));
        args.addAll(extra);
        return new Case(name, code, o, args, List.of(names));
    }

    private static Case train(String name, int code, String vae, String clip, List<String> extra, String... names) {
        List<String> args = new ArrayList<>(List.of("train", "ldm", "--vae", vae, "--clip", clip, "--out",
                dir.resolve("runs").resolve(name.replace(' ', '-')).toString(), "--steps", "1"));
        args.addAll(extra);
        return new Case(name, code, null, args, List.of(names));
    }

    static Stream<Case> cases() {
        String vae = dir.resolve("ok").resolve("vae").toString();
        String clip = dir.resolve("ok").resolve("clip").toString();
        Path missing = dir.resolve("no-such-model");
        return Stream.of(
                generate("generate model missing", 1, missing, List.of(), "no-such-model", "not found"),
                generate("generate with a pixel model", 1, pixel, List.of(), "config.json", "latent-diffusion",
                        "ddpm-unet2d"),
                generate("generate with a mismatched text encoder", 1, mismatched, List.of(), "config.json",
                        "crossAttentionDim is 16", "text width 24"),
                generate("negative guidance", 2, ldm, List.of("--guidance", "-1"), "--guidance", "-1"),
                generate("steps 0", 2, ldm, List.of("--steps", "0"), "--steps", "0"),
                generate("count 0", 2, ldm, List.of("--count", "0"), "--count", "0"),
                generate("unknown sampler", 2, ldm, List.of("--sampler", "euler"), "--sampler", "euler"),
                new Case("generate output dir missing", 1, null, List.of("generate", "--model", ldm.toString(),
                        "--prompt", "x", "--out", dir.resolve("nowhere").resolve("x.png").toString()),
                        List.of("nowhere", "does not exist")),
                img2img("strength 0", 2, good, List.of("--strength", "0"), "--strength", "(0, 1]", "0"),
                img2img("strength 1.5", 2, good, List.of("--strength", "1.5"), "--strength", "1.5"),
                img2img("strength NaN", 2, good, List.of("--strength", "NaN"), "--strength", "NaN"),
                img2img("img2img missing image", 1, dir.resolve("nope.png"), List.of(), "nope.png", "no such file"),
                new Case("score with an autoencoder", 1, null, List.of("score", "--model", vae, "--image",
                        good.toString(), "--prompt", "x"), List.of("not a CLIP model directory", "vocab.json")),
                new Case("score missing image", 1, null, List.of("score", "--model", clip, "--image",
                        dir.resolve("nope.png").toString(), "--prompt", "x"), List.of("nope.png", "no such file")),
                new Case("reconstruct autoencoder with a prompt", 2, out("recon-prompt"), List.of("reconstruct",
                        "--model", vae, "--image", good.toString(), "--prompt", "x", "--out",
                        out("recon-prompt").toString()), List.of("--prompt", "latent diffusion models only")),
                train("train with a missing vae", 1, missing.toString(), clip, List.of(), "no-such-model"),
                train("train with an autoencoder as clip", 1, vae, vae, List.of(), "not a CLIP model directory"),
                train("caption dropout 2", 2, vae, clip, List.of("--caption-dropout", "2"), "--caption-dropout", "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithOneClearErrorLineAndNoOutput(Case c) {
        CliRun r = CliRun.run(c.args.toArray(String[]::new));
        assertEquals(c.code, r.code(), r::describe);
        assertEquals(1, r.errorLines().size(), () -> "expected one 'error:' line\n" + r.describe());
        assertTrue(r.errLines().size() <= 2 && r.errLines().get(0).startsWith("error:"), r::describe);
        if (c.code == 1) {
            assertEquals(r.errorLines(), r.errLines(), () -> "stderr has more than the error line\n" + r.describe());
        }
        String line = r.errorLines().get(0);
        for (String n : c.names) {
            assertTrue(line.contains(n), () -> "the error line does not name '" + n + "': " + line);
        }
        assertFalse(r.err().contains("\tat "), () -> "stack trace without --debug\n" + r.describe());
        assertTrue(r.out().isEmpty(), r::describe);
        if (c.out != null) {
            assertFalse(Files.exists(c.out), c.out + " was created");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void debugShowsTheStackTrace(Case c) {
        List<String> args = new ArrayList<>(c.args);
        args.add("--debug");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(c.code, r.code(), r::describe);
        assertEquals(1, r.errorLines().size(), r::describe);
        if (c.code == 1) {
            assertTrue(r.err().contains("\tat "), () -> "no stack trace with --debug\n" + r.describe());
        }
    }
}
