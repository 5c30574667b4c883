package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.metrics.TradeOff;
import dev.retouch.data.emoji.EmojiCache;
import dev.retouch.edit.sine.SineRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** finetune sine / edit sine / eval sine end to end on the tiny latent bundle (16×16 images, 8-pixel multiple). */
class SineCommandsTest {
    @TempDir
    static Path dir;

    static Path ldm;
    static Path source;
    static Path tuned;
    static Path whole;

    @BeforeAll
    static void fixtures() throws Exception {
        ldm = LatentFixtures.bundle(Files.createDirectory(dir.resolve("bundle")), 11);
        source = CliRun.png(dir.resolve("src.png"), 16, 16, 1);
        CliRun.png(dir.resolve("wide.png"), 24, 16, 2);
        CliRun.png(dir.resolve("big.png"), 32, 32, 3);
        Files.createDirectories(dir.resolve("out"));
        tuned = dir.resolve("tuned");
        CliRun r = CliRun.run("finetune", "sine", "--model", ldm.toString(), "--image", source.toString(), "--class",
                "face", "--steps", "3", "--batch", "2", "--out", tuned.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        whole = dir.resolve("whole");
        r = CliRun.run("finetune", "sine", "--model", ldm.toString(), "--image", source.toString(), "--class",
                "face", "--no-patches", "--steps", "2", "--batch", "2", "--out", whole.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
    }

    @Test
    void finetuneWritesASmallModelDirectory() throws Exception {
        assertTrue(Files.isRegularFile(tuned.resolve(ModelDirectory.CONFIG)));
        assertTrue(Files.isRegularFile(tuned.resolve(ModelDirectory.WEIGHTS)));
        assertTrue(Files.isRegularFile(tuned.resolve(ModelDirectory.MODEL_CARD)));
        assertFalse(Files.exists(tuned.resolve("train").resolve("checkpoint.safetensors")), "checkpoint removed");
        JsonNode c = CliRun.JSON.readTree(Files.readString(tuned.resolve(ModelDirectory.CONFIG)));
        assertEquals("sine", c.get("type").asText());
        assertEquals("face", c.get("classWord").asText());
        assertEquals("PATCHES", c.get("variant").asText());
        assertEquals("NO_PATCHES", CliRun.JSON.readTree(Files.readString(whole.resolve(ModelDirectory.CONFIG)))
                .get("variant").asText());
        assertEquals(ldm.toRealPath(), tuned.resolve(c.get("base").asText()).toRealPath());
    }

    @Test
    void editAtTheModelSizeAndAtOtherSizes() {
        Path a = dir.resolve("out").resolve("a.png");
        CliRun r = CliRun.run("edit", "sine", "--tuned", tuned.toString(), "--prompt", "cat face", "--steps", "3",
                "--seed", "1", "--out", a.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        RgbImage img = Images.read(a, 1 << 20);
        assertEquals(16, img.width());
        assertEquals(16, img.height());
        assertEquals(String.valueOf(SineRequest.DEFAULT_V), Images.readPngText(a).get("retouch.v"));
        for (String[] wh : new String[][]{{"24", "16"}, {"16", "24"}, {"32", "32"}}) {
            for (Path model : List.of(tuned, whole)) {
                Path o = dir.resolve("out").resolve(model.getFileName() + "-" + wh[0] + "x" + wh[1] + ".png");
                r = CliRun.run("edit", "sine", "--tuned", model.toString(), "--prompt", "red heart", "--steps", "2",
                        "--width", wh[0], "--height", wh[1], "--k", "500", "--v", "0.5", "--out", o.toString());
                assertEquals(0, r.code(), r::describe);
                RgbImage out = Images.read(o, 1 << 20);
                assertEquals(Integer.parseInt(wh[0]), out.width());
                assertEquals(Integer.parseInt(wh[1]), out.height());
            }
        }
        Path n = dir.resolve("out").resolve("nopos.png");
        assertEquals(0, CliRun.run("edit", "sine", "--tuned", tuned.toString(), "--prompt", "x", "--steps", "2",
                "--width", "24", "--no-positional", "--out", n.toString()).code());
    }

    @Test
    void autoVHelpNamesTheLibrarysCandidates() {
        CliRun help = CliRun.run("edit", "sine", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        String listed = java.util.Arrays.stream(dev.retouch.edit.sine.SineAutoV.CANDIDATES).mapToObj(Double::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        assertTrue(text.contains("K = " + dev.retouch.edit.sine.SineAutoV.K + " with v = " + listed + ","), text);
    }

    @Test
    void autoVPrintsAndRecordsTheVItChoseAndIsTheFixedEditAtIt() {
        Path auto = dir.resolve("out").resolve("auto.png");
        CliRun r = CliRun.run("edit", "sine", "--tuned", tuned.toString(), "--prompt", "cat face", "--steps", "3",
                "--seed", "2", "--auto-v", "--out", auto.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        double v = r.json().get("v").asDouble();
        assertTrue(v == 1.0 || java.util.Arrays.stream(dev.retouch.edit.sine.SineAutoV.CANDIDATES).anyMatch(c -> c == v),
                r::describe);
        assertEquals(String.valueOf(v), Images.readPngText(auto).get("retouch.v"));
        assertEquals("true", Images.readPngText(auto).get("retouch.auto_v"));
        Path same = dir.resolve("out").resolve("fixed.png");
        CliRun f = CliRun.run("edit", "sine", "--tuned", tuned.toString(), "--prompt", "cat face", "--steps", "3",
                "--seed", "2", "--v", String.valueOf(v), "--k", "0", "--out", same.toString());
        assertEquals(0, f.code(), f::describe);
        assertArrayEquals(Images.read(same, 1 << 20).chw(), Images.read(auto, 1 << 20).chw());
    }

    @Test
    void sameSeedSameImage() {
        Path a = dir.resolve("out").resolve("s1.png");
        Path b = dir.resolve("out").resolve("s2.png");
        for (Path p : List.of(a, b)) {
            assertEquals(0, CliRun.run("edit", "sine", "--tuned", tuned.toString(), "--prompt", "cat face", "--steps",
                    "2", "--seed", "4", "--out", p.toString()).code());
        }
        assertTrue(java.util.Arrays.equals(Images.read(a, 1 << 20).chw(), Images.read(b, 1 << 20).chw()));
    }

    @Test
    void aSquareImageOfAnotherSizeIsResizedWithANotice() {
        CliRun r = CliRun.run("finetune", "sine", "--model", ldm.toString(), "--image",
                dir.resolve("big.png").toString(), "--class", "face", "--steps", "1", "--batch", "1", "--out",
                dir.resolve("resized").toString());
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.err().contains("notice:") && r.err().contains("big.png"), r::describe);
    }

    @Test
    void evalWritesReports() throws java.io.IOException {
        EmojiCache cache = EmojiCache.fromEnvironment();
        Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
        Path o = dir.resolve("eval");
        CliRun r = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--out", o.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertTrue(j.get("methods").has("SINE") && j.get("methods").has("SDEdit 0.5")
                && j.get("methods").has("pretrained only") && j.get("methods").has("fine-tuned only (no-patches model)"), r::describe);
        assertTrue(j.get("sweeps").has("K = 400") && j.get("sweeps").has("v = 1.0"), r::describe);
        assertTrue(j.get("sweeps").has("SDEdit 0.8") && j.get("sweeps").get("SDEdit 0.8").get("n").asInt() == 1, r::describe);
        assertEquals(12, j.get("sweep_verdicts").size(), r::describe);
        assertTrue(List.of("better", "worse", "trade").contains(j.get("sweep_verdicts").get("v = 0.5").get("ssim").asText()),
                r::describe);
        assertTrue(j.get("any_resolution").size() == 9, r::describe);
        // ours: v chosen per image, one choice per case, each the pretrained drawing (1) or a candidate
        assertEquals(2, j.get("methods").get("SINE, v per image (ours)").get("n").asInt(), r::describe);
        assertEquals(2, j.get("auto_v").size(), r::describe);
        j.get("auto_v").forEach(a -> assertTrue(a.get("v").asDouble() == 1.0 || java.util.Arrays.stream(
                dev.retouch.edit.sine.SineAutoV.CANDIDATES).anyMatch(c -> c == a.get("v").asDouble()), r::describe));
        assertTrue(Files.isRegularFile(o.resolve("report.json")) && Files.isRegularFile(o.resolve("index.html")));
        JsonNode v = j.get("verdicts");
        assertEquals(java.util.Set.of("fine-tuned only (no-patches model)", "SDEdit (0.5 to 0.8)", "pretrained only",
                "SINE w/o pos (no-patches model)"), java.util.Set.copyOf(names(v.get("SINE"))), r::describe);
        assertEquals(3, v.get("SINE w/o pos (no-patches model)").size(), r::describe);
        // the verdict against the fine-tuned model alone, recomputed from the reported means
        JsonNode sine = j.get("methods").get("SINE");
        JsonNode ft = j.get("methods").get("fine-tuned only (no-patches model)");
        String expected = TradeOff.compare(new TradeOff.Point(sine.get("clip_image").asDouble(),
                        sine.get("clip_text").asDouble()), List.of(new TradeOff.Point(ft.get("clip_image").asDouble(),
                        ft.get("clip_text").asDouble()))).label();
        assertEquals(expected, v.get("SINE").get("fine-tuned only (no-patches model)").get("clip_image").asText(), r::describe);

        // a second run over the same directory reuses both fine-tuned models and reproduces every score
        CliRun again = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--out", o.toString(), "--json");
        assertEquals(0, again.code(), again::describe);
        assertEquals(2, again.err().split("eval sine: reusing", -1).length - 1, again::describe);
        assertEquals(j.get("methods"), again.json().get("methods"));
        // the base's model card edited later is not a new base; its config or weights touched later are
        Files.writeString(ldm.resolve("MODEL_CARD.md"), "# edited after the fine-tunes\n");
        CliRun card = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--out", o.toString());
        assertEquals(2, card.err().split("eval sine: reusing", -1).length - 1, card::describe);
        Files.setLastModifiedTime(ldm.resolve("config.json"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2_000));
        CliRun touched = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--out", o.toString());
        assertEquals(0, touched.code(), touched::describe);
        assertFalse(touched.err().contains("reusing"), touched::describe);
        // another seed is another model
        CliRun seed = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--seed", "3", "--out", o.toString());
        assertEquals(0, seed.code(), seed::describe);
        assertFalse(seed.err().contains("reusing"), seed::describe);
        // validation sources are other images (never the test split's models) and the grid names its choice
        CliRun val = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "1",
                "--steps", "1", "--split", "validation", "--grid", "--out", o.toString(), "--json");
        assertEquals(0, val.code(), val::describe);
        assertFalse(val.err().contains("reusing"), val::describe);
        JsonNode vj = val.json();
        assertEquals("validation", vj.get("split").asText());
        assertNotEquals(j.get("sources"), vj.get("sources"));
        assertEquals(36, vj.get("grid").size(), val::describe);
        assertEquals(2, vj.get("grid").get("K = 400, v = 0.7").get("n").asInt(), "both edit prompts");
        JsonNode choice = vj.get("grid_choice");
        assertEquals("SDEdit 0.5", choice.get("baseline").asText());
        if (!choice.get("setting").isNull()) {
            JsonNode chosen = vj.get("grid").get(choice.get("setting").asText());
            assertEquals(chosen.get("ssim").asDouble(), choice.get("ssim").asDouble(), 1e-12);
            assertTrue(chosen.get("judge_target_top1").asDouble() >= choice.get("baseline_judge_target_top1").asDouble());
            vj.get("grid").forEach(g -> assertTrue(g.get("judge_target_top1").asDouble()
                    < choice.get("baseline_judge_target_top1").asDouble() - 1e-12
                    || g.get("ssim").asDouble() <= choice.get("ssim").asDouble() + 1e-12, val::describe));
        }
        assertFalse(j.has("grid"), "the grid only when asked");
        assertEquals(1, j.get("finetune_steps").get("patches").asInt(), r::describe);
        assertEquals(1, j.get("finetune_steps").get("no_patches").asInt(), r::describe);
        // N/M: the two variants fine-tune for different step counts (the defaults before 2026-12-05 were 800/300)
        Path twoOne = dir.resolve("eval-2-1");
        CliRun split = CliRun.run("eval", "sine", "--model", ldm.toString(), "--emojis", "1", "--finetune-steps", "2/1",
                "--steps", "1", "--out", twoOne.toString(), "--json");
        assertEquals(0, split.code(), split::describe);
        assertEquals(2, split.json().get("finetune_steps").get("patches").asInt(), split::describe);
        assertEquals(1, split.json().get("finetune_steps").get("no_patches").asInt(), split::describe);
        for (String variant : List.of("patches", "no_patches")) {
            JsonNode cfg = CliRun.JSON.readTree(Files.readString(twoOne.resolve("models").resolve("0-" + variant
                    + "-seed0").resolve(ModelDirectory.CONFIG)));
            assertEquals(variant.equals("patches") ? 2 : 1, cfg.get("steps").asInt(), variant);
        }
        for (String bad : List.of("800/", "/300", "8/3/1", "0", "10/0", "many")) {
            Path o2 = dir.resolve("eval-bad");
            CliRun b = CliRun.run("eval", "sine", "--finetune-steps", bad, "--out", o2.toString());
            assertEquals(2, b.code(), b::describe);
            assertTrue(b.err().contains("--finetune-steps") && b.err().lines().count() == 1, b::describe);
            assertFalse(Files.exists(o2), "nothing written for " + bad);
        }
        CliRun train = CliRun.run("eval", "sine", "--split", "train", "--out", dir.resolve("eval-train").toString());
        assertEquals(2, train.code(), train::describe);
        assertTrue(train.err().contains("--split must be validation or test"), train::describe);
    }

    private static List<String> names(JsonNode object) {
        List<String> n = new ArrayList<>();
        object.fieldNames().forEachRemaining(n::add);
        return n;
    }

    @Test
    void everyNewCommandHasHelpWithAnExample() {
        for (List<String> cmd : List.of(List.of("finetune"), List.of("finetune", "sine"), List.of("edit", "sine"),
                List.of("eval", "sine"))) {
            List<String> args = new ArrayList<>(cmd);
            args.add("--help");
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r::describe);
            assertTrue(r.out().contains("Usage:") && r.out().contains("Example"), r::describe);
        }
    }

    // ------------------------------------------------------------------ bad input

    record Case(String name, int code, Path out, List<String> args, List<String> names) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case edit(String name, int code, Path model, List<String> extra, String... names) {
        Path o = dir.resolve("out").resolve(name.replace(' ', '-') + ".png");
        List<String> args = new ArrayList<>(List.of("edit", "sine", "--tuned", model.toString(), "--prompt", "x",
                "--steps", "2", "--out", o.toString()));
        args.addAll(extra);
        return new Case(name, code, o, args, List.of(names));
    }

    private static Case finetune(String name, int code, String image, List<String> extra, String... names) {
        Path o = dir.resolve("bad-tuned").resolve(name.replace(' ', '-'));
        List<String> args = new ArrayList<>(List.of("finetune", "sine", "--model", ldm.toString(), "--image", image,
                "--out", o.toString()));
        args.addAll(extra.contains("--steps") ? List.of() : List.of("--steps", "1"));
        args.addAll(extra);
        return new Case(name, code, o, args, List.of(names));
    }

    static Stream<Case> badCases() {
        String src = source.toString();
        return Stream.of(
                finetune("class empty", 2, src, List.of("--class", ""), "--class", "empty"),
                finetune("class blank", 2, src, List.of("--class", "  "), "--class", "empty"),
                finetune("image not square", 1, dir.resolve("wide.png").toString(), List.of("--class", "face"),
                        "wide.png", "24x16", "square"),
                finetune("image missing", 1, dir.resolve("nope.png").toString(), List.of("--class", "face"), "nope.png"),
                finetune("steps 0", 2, src, List.of("--class", "face", "--steps", "0"), "--steps", "0"),
                finetune("resume without checkpoint", 1, src, List.of("--class", "face", "--resume"), "cannot resume"),
                new Case("finetune over a model", 1, null, List.of("finetune", "sine", "--model", ldm.toString(),
                        "--image", src, "--class", "face", "--steps", "1", "--out", tuned.toString()),
                        List.of("already holds")),
                edit("v above 1", 2, tuned, List.of("--v", "1.5"), "--v", "[0, 1]", "1.5"),
                edit("v below 0", 2, tuned, List.of("--v", "-0.1"), "--v", "-0.1"),
                edit("k above T", 2, tuned, List.of("--k", "1001"), "--k", "[0, 1000]", "1001"),
                edit("k negative", 2, tuned, List.of("--k", "-1"), "--k", "-1"),
                edit("width not a multiple", 2, tuned, List.of("--width", "20"), "--width", "20x16", "multiples of 8"),
                edit("height not a multiple", 2, tuned, List.of("--height", "12"), "--height", "multiples of 8"),
                edit("width above the limit", 2, tuned, List.of("--width", "2048"), "--width", "--max-side", "2048"),
                edit("height above a lowered limit", 2, tuned, List.of("--height", "64", "--max-side", "32"),
                        "--height", "32", "64"),
                edit("tuned is a latent model", 1, ldm, List.of(), "not a sine model", "config.json"),
                edit("tuned missing", 1, dir.resolve("no-such-dir"), List.of(), "not a sine model", "no-such-dir"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCases")
    void badInputFailsWithOneClearError(Case c) {
        CliRun r = CliRun.run(c.args.toArray(String[]::new));
        assertEquals(c.code, r.code(), r::describe);
        assertEquals(1, r.errorLines().size(), () -> "expected one 'error:' line\n" + r.describe());
        String line = r.errorLines().get(0);
        for (String n : c.names) {
            assertTrue(line.contains(n), () -> "the error line does not name '" + n + "': " + line);
        }
        assertFalse(r.err().contains("\tat "), r::describe);
        assertTrue(r.out().isEmpty(), r::describe);
        if (c.out != null && c.code != 1 || c.name.startsWith("edit")) {
            assertFalse(c.out != null && Files.isRegularFile(c.out), c.out + " was created");
        }
    }
}
