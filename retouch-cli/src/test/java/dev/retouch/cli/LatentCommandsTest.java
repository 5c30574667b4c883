package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.data.emoji.EmojiCache;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generate, img2img, score, reconstruct (autoencoder and latent) and train ldm on tiny random models. */
class LatentCommandsTest {
    @TempDir
    static Path dir;

    static Path ldm;
    static Path in16;

    @BeforeAll
    static void models() {
        ldm = LatentFixtures.bundle(dir, 1);
        in16 = CliRun.png(dir.resolve("in16.png"), 16, 16, 1);
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r::describe);
        return r;
    }

    // --------------------------------------------------------------- generate

    @Test
    void generateWritesAGridWithItsParametersAndFollowsTheSeed() throws Exception {
        Path a = dir.resolve("gen-a.png");
        CliRun r = ok("generate", "--model", ldm.toString(), "--prompt", "red heart", "--negative", "cat face",
                "--steps", "3", "--guidance", "4", "--seed", "3", "--count", "4", "--out", a.toString(), "--json");
        JsonNode j = r.json();
        for (String k : List.of("out", "model", "prompt", "negative", "sampler", "steps", "guidance", "seed", "count",
                "truncated", "seconds")) {
            assertTrue(j.has(k), "JSON lacks '" + k + "': " + r.out());
        }
        assertEquals("red heart", j.get("prompt").asText());
        assertFalse(j.get("truncated").asBoolean());
        RgbImage sheet = Images.read(a, 1 << 20);
        assertEquals(2 * 16 + 3 * 2, sheet.width(), "4 images of 16×16 in a 2×2 grid with 2-pixel padding");
        Map<String, String> text = Images.readPngText(a);
        assertEquals("generate", text.get("retouch.command"));
        assertEquals("red heart", text.get("retouch.prompt"));
        assertEquals("cat face", text.get("retouch.negative"));
        assertEquals("3", text.get("retouch.seed"));
        assertEquals("4.0", text.get("retouch.guidance"));

        Path b = dir.resolve("gen-b.png");
        Path c = dir.resolve("gen-c.png");
        ok("generate", "--model", ldm.toString(), "--prompt", "red heart", "--negative", "cat face", "--steps", "3",
                "--guidance", "4", "--seed", "3", "--count", "4", "--out", b.toString());
        ok("generate", "--model", ldm.toString(), "--prompt", "red heart", "--negative", "cat face", "--steps", "3",
                "--guidance", "4", "--seed", "4", "--count", "4", "--out", c.toString());
        assertArrayEquals(sheet.chw(), Images.read(b, 1 << 20).chw(), "same seed, same images");
        assertFalse(Arrays.equals(sheet.chw(), Images.read(c, 1 << 20).chw()), "another seed, other images");
    }

    @Test
    void aLongPromptIsTruncatedWithAWarningNotAnError() {
        Path out = dir.resolve("long.png");
        CliRun r = ok("generate", "--model", ldm.toString(), "--prompt",
                "grinning face with red heart and party popper and thumbs up", "--steps", "2", "--sampler", "DDPM",
                "--out", out.toString(), "--json");
        assertTrue(r.err().contains("warning: prompt \"grinning face with") && r.err().contains("8-token context"),
                r::describe);
        assertTrue(r.json().get("truncated").asBoolean());
        assertEquals("ddpm", r.json().get("sampler").asText());
        assertTrue(Files.exists(out));
    }

    // ---------------------------------------------------------------- img2img

    @Test
    void img2imgEditsAnImageOfAFittingSize() throws Exception {
        Path out = dir.resolve("i2i.png");
        CliRun r = ok("img2img", "--model", ldm.toString(), "--image", in16.toString(), "--prompt", "cat face",
                "--strength", "0.5", "--steps", "4", "--seed", "2", "--out", out.toString(), "--json");
        JsonNode j = r.json();
        assertTrue(j.get("psnr").isNumber() && j.get("ssim").isNumber(), r.out());
        assertEquals(0.5, j.get("strength").asDouble());
        RgbImage img = Images.read(out, 1 << 20);
        assertEquals(16, img.width());
        assertEquals("0.5", Images.readPngText(out).get("retouch.strength"));
        // other sizes that fit the model (multiples of 8) run at their own size
        Path wide = CliRun.png(dir.resolve("in32x16.png"), 32, 16, 2);
        Path outWide = dir.resolve("i2i-wide.png");
        ok("img2img", "--model", ldm.toString(), "--image", wide.toString(), "--prompt", "", "--strength", "1",
                "--steps", "2", "--out", outWide.toString());
        assertEquals(32, Images.read(outWide, 1 << 20).width());
    }

    @Test
    void img2imgResizesOnlyWhenAsked() throws Exception {
        Path odd = CliRun.png(dir.resolve("odd.png"), 20, 12, 3);
        Path out = dir.resolve("i2i-odd.png");
        CliRun bad = CliRun.run("img2img", "--model", ldm.toString(), "--image", odd.toString(), "--prompt", "x",
                "--out", out.toString());
        assertEquals(1, bad.code(), bad::describe);
        assertEquals(bad.errorLines(), bad.errLines(), bad::describe);
        String line = bad.errorLines().get(0);
        assertTrue(line.contains("odd.png is 20x12") && line.contains("multiples of 8") && line.contains("--resize"),
                line);
        assertFalse(Files.exists(out));
        CliRun r = ok("img2img", "--model", ldm.toString(), "--image", odd.toString(), "--prompt", "x",
                "--strength", "0.3", "--steps", "4", "--resize", "--out", out.toString());
        assertTrue(r.err().contains("resized to the model's 16x16"), r::describe);
        assertEquals(16, Images.read(out, 1 << 20).width());
    }

    // ------------------------------------------------------------------ score

    @Test
    void scoreIsACosineAndDeterministic() {
        CliRun r = ok("score", "--model", dir.resolve("clip").toString(), "--image", in16.toString(), "--prompt",
                "red heart", "--json");
        double s = r.json().get("score").asDouble();
        assertTrue(s >= -1 && s <= 1, r::describe);
        assertEquals(s, ok("score", "--model", dir.resolve("clip").toString(), "--image", in16.toString(),
                "--prompt", "red heart", "--json").json().get("score").asDouble());
        double other = ok("score", "--model", dir.resolve("clip").toString(), "--image", in16.toString(),
                "--prompt", "left arrow", "--json").json().get("score").asDouble();
        assertTrue(s != other, "the prompt matters");
        CliRun plain = ok("score", "--model", dir.resolve("clip").toString(), "--image", in16.toString(), "--prompt",
                "red heart");
        assertTrue(plain.out().lines().anyMatch(l -> l.startsWith("score: ")), plain::describe);
    }

    // ------------------------------------------------------------ reconstruct

    @Test
    void reconstructEncodesAndDecodesWithAnAutoencoder() {
        Path out = dir.resolve("vae-recon.png");
        CliRun r = ok("reconstruct", "--model", dir.resolve("vae").toString(), "--image", in16.toString(), "--out",
                out.toString(), "--json");
        JsonNode j = r.json();
        assertTrue(j.get("psnr").isNumber() && j.get("ssim").isNumber(), r.out());
        assertFalse(j.has("steps"), "an autoencoder takes no steps: " + r.out());
        assertEquals(16, Images.read(out, 1 << 20).width());
        CliRun steps = CliRun.run("reconstruct", "--model", dir.resolve("vae").toString(), "--image", in16.toString(),
                "--steps", "5", "--out", dir.resolve("vae-steps.png").toString());
        assertEquals(2, steps.code(), steps::describe);
        assertTrue(steps.errorLines().get(0).contains("--steps does not apply to an autoencoder"), steps::describe);
        assertFalse(Files.exists(dir.resolve("vae-steps.png")));
    }

    @Test
    void reconstructInvertsWithALatentModel() {
        Path out = dir.resolve("ldm-recon.png");
        CliRun r = ok("reconstruct", "--model", ldm.toString(), "--image", in16.toString(), "--steps", "3",
                "--prompt", "red heart", "--out", out.toString(), "--json");
        JsonNode j = r.json();
        assertEquals(3, j.get("steps").asInt());
        assertEquals(1.0, j.get("guidance").asDouble());
        assertEquals("red heart", j.get("prompt").asText());
        assertTrue(j.get("psnr").isNumber(), r.out());
    }

    // ------------------------------------------------------------------- help

    @ParameterizedTest
    @ValueSource(strings = {"generate", "img2img", "score", "train ldm", "reconstruct"})
    void helpHasAnExample(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.out().contains("Example") && r.out().contains("Usage:"), r::describe);
        assertTrue(r.err().isBlank(), r::describe);
    }

    // -------------------------------------------------------------- train ldm

    @Test
    void trainLdmOnAFewEmojiThenGenerateFromIt() throws Exception {
        EmojiCache cache = EmojiCache.fromEnvironment();
        Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
        Path run = dir.resolve("run");
        CliRun r = ok("train", "ldm", "--vae", dir.resolve("vae").toString(), "--clip", dir.resolve("clip").toString(),
                "--out", run.toString(), "--limit", "8", "--steps", "2", "--batch", "2", "--json");
        assertEquals(2, r.json().get("steps").asInt(), r::describe);
        assertTrue(r.json().get("loss").isNumber() && r.json().get("loss").asDouble() > 0, "the recent loss: " + r.out());
        assertTrue(r.err().contains("encode latents and captions"), "precompute shows progress:\n" + r.err());
        Path model = run.resolve("model");
        String config = Files.readString(model.resolve("config.json"));
        assertTrue(config.contains("\"vae\": \"../../vae\"") && config.contains("\"textEncoder\": \"../../clip\""),
                config);
        assertTrue(config.contains("\"crossAttentionDim\": 16"), "derived from the text encoder: " + config);
        String card = Files.readString(model.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("bin/retouch train ldm --vae " + dir.resolve("vae")) && card.contains("wall time")
                && card.contains("Loss curve"), card);
        Path out = dir.resolve("from-trained.png");
        ok("generate", "--model", model.toString(), "--prompt", "red heart", "--steps", "2", "--out", out.toString());
        assertTrue(Files.exists(out));

        // with the caption variants: three (image, caption) pairs per image, said in the card
        Path variants = dir.resolve("run-variants");
        CliRun v = ok("train", "ldm", "--vae", dir.resolve("vae").toString(), "--clip", dir.resolve("clip").toString(),
                "--out", variants.toString(), "--limit", "8", "--steps", "2", "--batch", "2", "--caption-variants");
        assertTrue(v.err().contains("on 24 latents"), v::describe);
        String variantCard = Files.readString(variants.resolve("model/MODEL_CARD.md"));
        assertTrue(variantCard.contains("--caption-variants") && variantCard.contains("Caption variants"), variantCard);

        CliRun again = CliRun.run("train", "ldm", "--vae", dir.resolve("vae").toString(), "--clip",
                dir.resolve("clip").toString(), "--out", run.toString(), "--limit", "8", "--steps", "2");
        assertEquals(1, again.code(), again::describe);
        assertTrue(again.errorLines().get(0).contains("--resume"), again::describe);
    }
}
