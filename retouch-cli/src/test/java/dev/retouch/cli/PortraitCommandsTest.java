package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.io.ModelDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code data portrait-pairs}, {@code train portrait}, {@code edit portrait}, {@code eval portrait} end to end. */
class PortraitCommandsTest {
    private static final Path FACE = Path.of("..", "retouch-eval", "src", "main", "resources", "demo", "1f601.png")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void generatePairsTrainEditAndEvaluate() throws Exception {
        String ldm = DemoTest.repoRoot().resolve("models").resolve("emoji-ldm").toString();
        Path pairs = tmp.resolve("pairs");
        CliRun gen = CliRun.run("data", "portrait-pairs", "--task", "man-woman", "--count", "4", "--batch", "4",
                "--steps", "2", "--model", ldm, "--min-similarity", "-1", "--json", "--out", pairs.toString());
        assertEquals(0, gen.code(), gen::describe);
        assertEquals(4, gen.json().path("kept").asInt());
        assertTrue(Files.isRegularFile(pairs.resolve("portrait-pairs.json")));
        assertTrue(Files.isRegularFile(pairs.resolve("preview.png")));
        assertEquals(4, Files.list(pairs.resolve("before")).count());
        assertFalse(Files.exists(tmp.resolve("pairs.partial")), "nothing half-written is left");
        JsonNode manifest = CliRun.JSON.readTree(pairs.resolve("portrait-pairs.json").toFile());
        assertEquals("man-to-woman", manifest.path("pairs").get(0).path("direction").asText());
        assertEquals("woman", manifest.path("pairs").get(0).path("target").asText());
        assertTrue(manifest.path("pairs").get(0).path("sourceCaption").asText().startsWith("man "));
        CliRun again = CliRun.run("data", "portrait-pairs", "--task", "man-woman", "--count", "4", "--model", ldm,
                "--out", pairs.toString());
        assertEquals(1, again.code(), again::describe);
        assertTrue(again.err().contains("already exists"), again::describe);
        CliRun unknown = CliRun.run("data", "portrait-pairs", "--task", "cats", "--count", "4", "--out",
                tmp.resolve("cats").toString());
        assertEquals(2, unknown.code(), unknown::describe);
        assertTrue(unknown.err().contains("unknown portrait task 'cats'"), unknown::describe);

        Path run = tmp.resolve("run");
        CliRun train = CliRun.run("train", "portrait", "--pairs", pairs.toString(), "--base", ldm, "--steps", "2",
                "--batch", "2", "--checkpoint-every", "1", "--json", "--out", run.toString());
        assertEquals(0, train.code(), train::describe);
        JsonNode config = ModelDirectory.open(run.resolve("model")).configTree();
        assertEquals("portrait", config.path("type").asText());
        assertEquals("man-woman", config.path("task").asText());
        assertEquals(8, config.path("unet").path("inChannels").asInt());
        assertEquals(Path.of(ldm), run.resolve("model").resolve(config.path("base").asText()).normalize());

        Path out = tmp.resolve("woman.png");
        CliRun edit = CliRun.run("edit", "portrait", "--model", run.resolve("model").toString(), "--image",
                FACE.toString(), "--target", "woman", "--steps", "3", "--mask-seeds", "2", "--seed", "4", "--mask-out",
                tmp.resolve("mask.png").toString(), "--json", "--out", out.toString());
        assertEquals(0, edit.code(), edit::describe);
        assertTrue(Files.size(out) > 0 && Files.size(tmp.resolve("mask.png")) > 0);
        assertEquals("woman", dev.retouch.core.image.Images.readPngText(out).get("retouch.target"));
        double share = edit.json().path("mask_share").asDouble();
        assertTrue(share >= 0 && share <= 1, edit::describe);

        CliRun badTarget = CliRun.run("edit", "portrait", "--model", run.resolve("model").toString(), "--image",
                FACE.toString(), "--target", "cat", "--out", tmp.resolve("x.png").toString());
        assertEquals(2, badTarget.code(), badTarget::describe);
        assertTrue(badTarget.err().contains("no target 'cat'") && badTarget.err().contains("woman, man"),
                badTarget::describe);
        CliRun badScales = CliRun.run("edit", "portrait", "--model", run.resolve("model").toString(), "--image",
                FACE.toString(), "--target", "woman", "--scales", "3,-1,5", "--out", tmp.resolve("x.png").toString());
        assertEquals(2, badScales.code(), badScales::describe);
        assertTrue(badScales.err().contains("guidance scales must be >= 0"), badScales::describe);

        CliRun eval = CliRun.run("eval", "portrait", "--model", run.resolve("model").toString(), "--limit", "2",
                "--no-baselines", "--judge", DemoTest.repoRoot().resolve("models/emoji-judge").toString(), "--json", "--out",
                tmp.resolve("eval").toString());
        assertEquals(0, eval.code(), eval::describe);
        List<String> methods = new ArrayList<>();
        for (JsonNode row : eval.json().path("results")) {
            methods.add(row.path("method").asText());
            assertEquals(2, row.path("n").asInt());
        }
        assertEquals(List.of("input (no edit)", "ground truth", "portrait, paper (s 3/3/5, binary mask λ 0.35, Eq. 3 "
                + "blend)", "portrait, code (s 3/2/4, soft mask, latent blend)", "portrait w/o mask (s 3/2/4)"), methods);
        JsonNode input = eval.json().path("results").get(0);
        JsonNode truth = eval.json().path("results").get(1);
        assertEquals(0.0, input.path("success").asDouble(), "the input is never closer to the truth than to itself");
        assertEquals(1.0, truth.path("success").asDouble());
        assertEquals(0.0, truth.path("judge_feature_distance").asDouble(), 1e-9);
        assertTrue(Files.isRegularFile(tmp.resolve("eval/index.html")));

        // a portrait model is bound to the base it was trained from
        Path moved = tmp.resolve("moved");
        Files.createDirectories(moved);
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(run.resolve("model").resolve(f), moved.resolve(f));
        }
        Path tiny = tmp.resolve("tiny");
        CliRun.tinyModel(tiny, 1);
        String json = Files.readString(moved.resolve("config.json")).replaceFirst("\"base\": \"[^\"]*\"",
                "\"base\": \"" + tiny.toString().replace("\\", "/") + "\"");
        Files.writeString(moved.resolve("config.json"), json);
        CliRun wrongBase = CliRun.run("edit", "portrait", "--model", moved.toString(), "--image", FACE.toString(),
                "--target", "woman", "--out", tmp.resolve("y.png").toString());
        assertEquals(1, wrongBase.code(), wrongBase::describe);
        assertTrue(wrongBase.err().contains("base model"), wrongBase::describe);
    }

    @Test
    void badPairFoldersAreRefusedNamingTheProblem() throws Exception {
        Path dir = tmp.resolve("pairs");
        Files.createDirectories(dir.resolve("before"));
        Files.createDirectories(dir.resolve("after"));
        CliRun.png(dir.resolve("before/a.png"), 64, 64, 1);
        CliRun.png(dir.resolve("after/a.png"), 64, 64, 2);
        CliRun.png(dir.resolve("before/b.png"), 64, 64, 3);
        CliRun.png(dir.resolve("after/b.png"), 64, 64, 4);
        CliRun noManifest = CliRun.run("train", "portrait", "--pairs", dir.toString(), "--steps", "1", "--out",
                tmp.resolve("r1").toString());
        assertEquals(1, noManifest.code(), noManifest::describe);
        assertTrue(noManifest.err().contains("has no portrait-pairs.json"), noManifest::describe);

        Files.writeString(dir.resolve("portrait-pairs.json"), """
                {"task": "man-woman", "generator": "g", "settings": {"sharedWeight": 0.1, "sideWeight": 0.9,
                 "guidance": 5, "steps": 20, "sampler": "UNIPC"}, "seed": 0, "minSimilarity": 0, "generated": 2,
                 "pairs": [{"name": "a", "direction": "man-to-woman", "target": "woman", "sourceCaption": "s",
                 "targetCaption": "t", "similarity": 1}]}""");
        CliRun unlisted = CliRun.run("train", "portrait", "--pairs", dir.toString(), "--steps", "1", "--out",
                tmp.resolve("r2").toString());
        assertEquals(1, unlisted.code(), unlisted::describe);
        assertTrue(unlisted.err().contains("pair 'b' is not in portrait-pairs.json"), unlisted::describe);

        Files.writeString(dir.resolve("portrait-pairs.json"), Files.readString(dir.resolve("portrait-pairs.json"))
                .replace("\"target\": \"woman\"", "\"target\": \"cat\""));
        CliRun badTarget = CliRun.run("train", "portrait", "--pairs", dir.toString(), "--steps", "1", "--out",
                tmp.resolve("r3").toString());
        assertEquals(1, badTarget.code(), badTarget::describe);
        assertTrue(badTarget.err().contains("has target 'cat'"), badTarget::describe);

        CliRun.png(dir.resolve("after/b.png"), 32, 32, 4);
        CliRun sizes = CliRun.run("train", "portrait", "--pairs", dir.toString(), "--steps", "1", "--out",
                tmp.resolve("r4").toString());
        assertEquals(1, sizes.code(), sizes::describe);
        assertTrue(sizes.err().contains("the two images of a pair must have the same size"), sizes::describe);

        Files.delete(dir.resolve("after/b.png"));
        CliRun unmatched = CliRun.run("train", "portrait", "--pairs", dir.toString(), "--steps", "1", "--out",
                tmp.resolve("r5").toString());
        assertEquals(1, unmatched.code(), unmatched::describe);
        assertTrue(unmatched.err().contains("unpaired"), unmatched::describe);
    }
}
