package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retouch train fewshot}, {@code edit fewshot}, {@code data skin-tone-pairs}: outputs and bad inputs. */
class FewshotCommandsTest {
    @TempDir
    static Path dir;
    static Path nn;
    static Path pix;
    static Path image;

    /** Pairs of a known colour edit: a yellow square turns brown. */
    static List<ImagePair> squares(int count, int size) {
        List<ImagePair> pairs = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int x0 = 2 + 3 * k % (size / 2);
            pairs.add(new ImagePair("s" + k, square(size, x0, 1f, 0.8f, 0.3f), square(size, x0, 0.44f, 0.28f, 0.19f)));
        }
        return pairs;
    }

    static RgbImage square(int size, int x0, float r, float g, float b) {
        int n = size * size;
        float[] chw = new float[3 * n];
        java.util.Arrays.fill(chw, 1f);
        for (int y = size / 4; y < size / 2; y++) {
            for (int x = x0; x < x0 + size / 4; x++) {
                chw[y * size + x] = r;
                chw[n + y * size + x] = g;
                chw[2 * n + y * size + x] = b;
            }
        }
        return new RgbImage(size, size, chw);
    }

    @BeforeAll
    static void effects() {
        nn = dir.resolve("nn");
        Effect e = Effect.create(EffectConfig.tiny(EffectVariant.NN, 2), squares(3, 16), 1);
        e.save(nn, e.network().stateDict(), "# tiny\n");
        pix = dir.resolve("pix");
        Effect p = Effect.create(EffectConfig.tiny(EffectVariant.PIX2PIX, 2), squares(3, 16), 1);
        p.save(pix, p.network().stateDict(), "# tiny\n");
        image = CliRun.png(dir.resolve("in.png"), square(16, 5, 1f, 0.8f, 0.3f));
    }

    private static String onlyError(CliRun r) {
        assertEquals(1, r.errorLines().size(), r::describe);
        return r.errorLines().get(0);
    }

    @Test
    void editIsDeterministicPerSeedAndWritesParameters() throws Exception {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        CliRun r = CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", image.toString(), "--seed", "3",
                "--out", a.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertEquals("nn", j.get("variant").asText());
        assertTrue(j.get("seconds").asDouble() < 2.0, "a 16×16 edit took " + j.get("seconds"));
        assertEquals(0, CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", image.toString(), "--seed",
                "3", "--out", b.toString()).code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals("3", Images.readPngText(a).get("retouch.seed"));
        Path c = dir.resolve("c.png");
        assertEquals(0, CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", image.toString(), "--seed",
                "4", "--ensemble", "2", "--out", c.toString()).code());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void editResizesOtherSizesWithANotice() {
        Path big = CliRun.png(dir.resolve("big.png"), 32, 32, 2);
        CliRun r = CliRun.run("edit", "fewshot", "--effect", pix.toString(), "--image", big.toString(), "--out",
                dir.resolve("p.png").toString());
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.err().contains("resized to the model's 16x16"), r.err());
    }

    @Test
    void editBadInputsNameTheProblem() throws Exception {
        Path out = dir.resolve("bad.png");
        assertTrue(onlyError(CliRun.run("edit", "fewshot", "--effect", dir.resolve("nope").toString(), "--image",
                image.toString(), "--out", out.toString())).contains("effect '" + dir.resolve("nope") + "' not found"));
        Path old = dir.resolve("old");
        Effect e = Effect.load(nn);
        e.save(old, e.network().stateDict(), "# old\n");
        Path cfg = old.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"formatVersion\": 1", "\"formatVersion\": 7"));
        assertTrue(onlyError(CliRun.run("edit", "fewshot", "--effect", old.toString(), "--image", image.toString(),
                "--out", out.toString())).contains("effect format version 7, but this Retouch reads version 1"));
        Path corrupt = Files.write(dir.resolve("corrupt.png"), java.util.Arrays.copyOf(Files.readAllBytes(image), 40));
        assertTrue(onlyError(CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", corrupt.toString(),
                "--out", out.toString())).contains(corrupt.toString()));
        assertTrue(onlyError(CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", image.toString(),
                "--out", dir.resolve("missing/x.png").toString())).contains("does not exist"));
        CliRun start = CliRun.run("edit", "fewshot", "--effect", nn.toString(), "--image", image.toString(), "--start",
                "0", "--out", out.toString());
        assertEquals(2, start.code());
        assertTrue(onlyError(start).contains("--start must be in (0, 1]"));
        assertTrue(onlyError(CliRun.run("edit", "fewshot", "--effect", pix.toString(), "--image", image.toString(),
                "--ensemble", "2", "--out", out.toString())).contains("this effect is pix2pix"));
        assertFalse(Files.exists(out));
    }

    @Test
    void trainWritesASelfContainedEffectAndResumes() throws Exception {
        Path pairs = dir.resolve("train-pairs");
        PairFolder.write(pairs, squares(2, 64));
        Path effect = dir.resolve("effect");
        Path run = dir.resolve("run");
        CliRun r = CliRun.run("train", "fewshot", "--pairs", pairs.toString(), "--variant", "pix2pix", "--steps", "2",
                "--batch", "2", "--checkpoint-every", "1", "--out", effect.toString(), "--run", run.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        assertEquals(2, r.json().get("steps").asInt());
        for (String f : List.of("config.json", "model.safetensors", "MODEL_CARD.md", "train-pairs.txt",
                "pairs/before/s0.png", "pairs/after/s1.png")) {
            assertTrue(Files.isRegularFile(effect.resolve(f)), "missing " + f);
        }
        assertEquals(List.of("s0.png", "s1.png"), Files.readAllLines(effect.resolve("train-pairs.txt")));
        assertTrue(Files.readString(effect.resolve("MODEL_CARD.md")).contains("bin/retouch train fewshot --pairs"));
        CliRun again = CliRun.run("train", "fewshot", "--pairs", pairs.toString(), "--variant", "pix2pix", "--steps",
                "2", "--out", effect.toString(), "--run", run.toString());
        assertTrue(onlyError(again).contains("already holds a training run"));
        CliRun resumed = CliRun.run("train", "fewshot", "--resume", "--steps", "3", "--out", effect.toString(), "--run",
                run.toString(), "--json");
        assertEquals(0, resumed.code(), resumed::describe);
        assertEquals(3, resumed.json().get("steps").asInt());
        assertEquals(0, CliRun.run("edit", "fewshot", "--effect", effect.toString(), "--image", image.toString(),
                "--out", dir.resolve("trained.png").toString()).code());
    }

    @Test
    void trainBadInputsNameTheProblem() throws Exception {
        Path unpaired = dir.resolve("unpaired");
        PairFolder.write(unpaired, squares(2, 16));
        Files.delete(unpaired.resolve("after/s1.png"));
        assertTrue(onlyError(CliRun.run("train", "fewshot", "--pairs", unpaired.toString(), "--out",
                dir.resolve("e1").toString())).contains("before/s1.png (no after/s1.*)"));
        Path single = dir.resolve("single");
        PairFolder.write(single, squares(1, 16));
        assertTrue(onlyError(CliRun.run("train", "fewshot", "--pairs", single.toString(), "--out",
                dir.resolve("e2").toString())).contains("has 1 pair(s); expected at least 2"));
        Path mismatched = dir.resolve("mismatched");
        PairFolder.write(mismatched, squares(2, 16));
        Images.writePng(mismatched.resolve("after/s0.png"), RgbImage.filled(8, 16, 1f), Map.of());
        assertTrue(onlyError(CliRun.run("train", "fewshot", "--pairs", mismatched.toString(), "--out",
                dir.resolve("e3").toString())).contains("must have the same size"));
        CliRun noPairs = CliRun.run("train", "fewshot", "--out", dir.resolve("e4").toString());
        assertEquals(2, noPairs.code());
        assertTrue(onlyError(noPairs).contains("--pairs is required"));
        assertTrue(onlyError(CliRun.run("train", "fewshot", "--pairs", single.toString(), "--variant", "gan", "--out",
                dir.resolve("e5").toString())).contains("unknown variant 'gan'"));
        CliRun skips = CliRun.run("train", "fewshot", "--pairs", single.toString(), "--skips", "half", "--out",
                dir.resolve("e7").toString());
        assertEquals(2, skips.code());
        assertTrue(onlyError(skips).contains("--skips must be high-pass, full or none"));
        assertTrue(onlyError(CliRun.run("train", "fewshot", "--resume", "--out", dir.resolve("e6").toString()))
                .contains("no run.json"));
    }

    @Test
    void skinTonePairsBadInputsFailBeforeLoadingData() {
        assertTrue(onlyError(CliRun.run("data", "skin-tone-pairs", "--tone", "9", "--out", dir.resolve("t").toString()))
                .contains("unknown skin tone '9'"));
        assertTrue(onlyError(CliRun.run("data", "skin-tone-pairs", "--tone", "5", "--split", "dev", "--out",
                dir.resolve("t").toString())).contains("unknown split 'dev'"));
        assertEquals(2, CliRun.run("data", "skin-tone-pairs", "--tone", "5", "--limit", "-1", "--out",
                dir.resolve("t").toString()).code());
    }
}
