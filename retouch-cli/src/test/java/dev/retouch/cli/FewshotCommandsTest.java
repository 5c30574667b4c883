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

    @Test
    void evalScoresAGivenEffectWithItsAutoencoderCeilingWithoutTraining() throws Exception {
        dev.retouch.data.emoji.EmojiCache cache = dev.retouch.data.emoji.EmojiCache.fromEnvironment();
        org.junit.jupiter.api.Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
        Path effect = dir.resolve("emoji-untrained");
        Effect e = Effect.create(EffectConfig.emoji(EffectVariant.NN, 2), squares(2, 64), 3);
        e.save(effect, e.network().stateDict(), "# untrained\n");
        Path o = dir.resolve("eval-given");
        CliRun r = CliRun.run("eval", "fewshot", "--effect", effect.toString(), "--threads", "1", "--out", o.toString(),
                "--json");
        assertEquals(0, r.code(), r::describe);
        JsonNode rep = CliRun.JSON.readTree(Files.readString(o.resolve("report.json")));
        JsonNode rows = rep.get("rows");
        assertEquals(3, rows.size(), r::describe);
        assertEquals("identity (input unchanged)", rows.get(0).get("model").asText());
        // The 35 held-out test pairs, default → dark: the identity's PSNR is the documented 16.95 dB.
        assertEquals(16.95, rows.get(0).get("psnr").asDouble(), 0.005);
        assertEquals("emoji-untrained", rows.get(1).get("model").asText());
        assertEquals(2, rows.get(1).get("train_pairs").asInt());
        assertTrue(rows.get(1).get("train_seconds").isNull() && rows.get(1).get("train_steps").isNull());
        assertTrue(rows.get(2).get("model").asText().startsWith("emoji-untrained autoencoder ceiling"));
        double model = rows.get(1).get("psnr").asDouble();
        double ceiling = rows.get(2).get("psnr").asDouble();
        assertTrue(Double.isFinite(model) && Double.isFinite(ceiling) && model != ceiling, r::describe);
        assertEquals(List.of(effect.toString()), List.of(rep.get("effects").get(0).asText()));
        assertFalse(Files.exists(o.resolve("models")) || Files.exists(o.resolve("runs")), "nothing is trained");
        assertTrue(Files.isRegularFile(o.resolve("index.html")));
    }

    @Test
    void evalRefusesAGivenEffectTrainedOnAHeldOutPairOrAtAnotherSize() throws Exception {
        dev.retouch.data.emoji.EmojiCache cache = dev.retouch.data.emoji.EmojiCache.fromEnvironment();
        org.junit.jupiter.api.Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
        dev.retouch.data.emoji.EmojiDataset ds = dev.retouch.data.emoji.EmojiDataset.load();
        String heldName = dev.retouch.data.emoji.SkinTonePairSets.select(ds, dev.retouch.data.emoji.SkinTonePairSets.tone("5"),
                dev.retouch.data.Split.TEST, 0).get(3).name();
        List<ImagePair> leaky = new ArrayList<>(squares(2, 64));
        leaky.set(1, new ImagePair(heldName, leaky.get(1).before(), leaky.get(1).after()));
        Path effect = dir.resolve("leaky");
        Effect e = Effect.create(EffectConfig.emoji(EffectVariant.NN, 2), leaky, 3);
        e.save(effect, e.network().stateDict(), "# leaky\n");
        CliRun r = CliRun.run("eval", "fewshot", "--effect", effect.toString(), "--out", dir.resolve("eval-leaky").toString());
        assertEquals(2, r.code(), r::describe);
        String err = onlyError(r);
        assertTrue(err.contains(effect.toString()) && err.contains("held-out") && err.contains(heldName), err);
        CliRun small = CliRun.run("eval", "fewshot", "--effect", nn.toString(), "--out", dir.resolve("eval-small").toString());
        assertEquals(2, small.code(), small::describe);
        assertTrue(onlyError(small).contains("16×16") && onlyError(small).contains("64×64"), small::describe);
        CliRun both = CliRun.run("eval", "fewshot", "--effect", nn.toString(), "--only", "nn-20", "--out",
                dir.resolve("eval-both").toString());
        assertEquals(2, both.code(), both::describe);
        assertTrue(onlyError(both).contains("--only"), both::describe);
        for (String o : List.of("eval-leaky", "eval-small", "eval-both")) {
            assertFalse(Files.exists(dir.resolve(o)), "a refused run leaves no report directory: " + o);
        }
    }
}
