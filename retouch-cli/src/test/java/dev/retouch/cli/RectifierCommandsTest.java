package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.ModelDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train rectifier} and {@code reconstruct --rectifier} on the shipped pixel model. */
class RectifierCommandsTest {
    private static final Path FACE = Path.of("..", "retouch-eval", "src", "main", "resources", "demo", "1f601.png")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void trainARectifierThenReconstructWithIt() throws Exception {
        Path run = tmp.resolve("rect");
        String model = DemoTest.repoRoot().resolve("models").resolve("emoji-ddpm-32").toString();
        CliRun train = CliRun.run("train", "rectifier", "--model", model, "--steps", "2", "--batch", "2",
                "--checkpoint-every", "1", "--json", "--out", run.toString());
        assertEquals(0, train.code(), train::describe);
        JsonNode config = ModelDirectory.open(run.resolve("model")).configTree();
        assertEquals("rectifier", config.path("type").asText());
        // a model given by path is referred to relative to the rectifier's directory
        assertEquals(Path.of(model), run.resolve("model").resolve(config.path("base").asText()).normalize());
        assertTrue(config.path("layers").size() > 10, config::toString);
        String card = Files.readString(run.resolve("model/MODEL_CARD.md")).replace(" \\\n        ", " ");
        assertTrue(card.contains("bin/retouch train rectifier --model " + model + " --steps 2 --batch 2"), card);

        Path out = tmp.resolve("recon.png");
        CliRun r = CliRun.run("reconstruct", "--model", model, "--image", FACE.toString(), "--steps", "5", "--rectifier",
                run.resolve("model").toString(), "--json", "--out", out.toString());
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertEquals(run.resolve("model").toString(), j.path("rectifier").asText());
        assertTrue(j.path("psnr").asDouble() > 10, j::toString);
        assertTrue(Files.size(out) > 0);

        // SDEdit denoising with the rectifier (paper Fig. 7): same seed, same call, the rectifier recorded
        CliRun sd = CliRun.run("sdedit", "--model", model, "--image", FACE.toString(), "--steps", "10", "--seed", "1",
                "--rectifier", run.resolve("model").toString(), "--json", "--out", tmp.resolve("sd.png").toString());
        assertEquals(0, sd.code(), sd::describe);
        assertEquals(run.resolve("model").toString(), sd.json().path("rectifier").asText());
        assertEquals(run.resolve("model").toString(),
                dev.retouch.core.image.Images.readPngText(tmp.resolve("sd.png")).get("retouch.rectifier"));

        // the benchmark measures the model with and without the rectifier on the same images
        CliRun eval = CliRun.run("eval", "reconstruction", "--model", model, "--steps", "5", "--limit", "2", "--batch",
                "2", "--rectifier", run.resolve("model").toString(), "--json", "--out", tmp.resolve("eval").toString());
        assertEquals(0, eval.code(), eval::describe);
        JsonNode rows = eval.json().path("results");
        assertEquals(2, rows.size(), rows::toString);
        assertEquals("base", rows.get(0).path("model").asText());
        assertEquals("rectified", rows.get(1).path("model").asText());
        for (JsonNode row : rows) {
            assertTrue(row.path("l1_mean").asDouble() > 0 && row.path("l2_mean").asDouble() > 0, row::toString);
        }

        // a rectifier is bound to its base model; autoencoders have none
        Path tiny = tmp.resolve("tiny");
        CliRun.tinyModel(tiny, 1);
        CliRun other = CliRun.run("reconstruct", "--model", tiny.toString(), "--image", FACE.toString(), "--rectifier",
                run.resolve("model").toString(), "--out", tmp.resolve("x.png").toString());
        assertEquals(2, other.code(), other::describe);
        assertTrue(other.err().contains("was trained for"), other::describe);
        CliRun vae = CliRun.run("reconstruct", "--model", DemoTest.repoRoot().resolve("models/emoji-vae").toString(), "--image", FACE.toString(), "--rectifier",
                run.resolve("model").toString(), "--out", tmp.resolve("y.png").toString());
        assertEquals(2, vae.code(), vae::describe);
        assertTrue(vae.err().contains("pixel diffusion models only"), vae::describe);
        CliRun notOne = CliRun.run("reconstruct", "--model", model, "--image", FACE.toString(), "--rectifier", tmp.toString(),
                "--out", tmp.resolve("z.png").toString());
        assertEquals(1, notOne.code(), notOne::describe);
        assertTrue(notOne.err().contains("not a rectifier"), notOne::describe);
    }

    @Test
    void trainAnEditFromTheShippedRectifierThenApplyIt() throws Exception {
        // the shipped rectifier names its base model; names resolve in the repository's models/
        String old = System.getProperty("retouch.home");
        System.setProperty("retouch.home", DemoTest.repoRoot().toString());
        try {
            editCommands();
        } finally {
            if (old == null) {
                System.clearProperty("retouch.home");
            } else {
                System.setProperty("retouch.home", old);
            }
        }
    }

    private void editCommands() throws Exception {
        Path faces = Files.createDirectories(tmp.resolve("faces"));
        Files.copy(FACE, faces.resolve("1f601.png"));
        Files.copy(FACE.resolveSibling("1f629.png"), faces.resolve("1f629.png"));
        Path run = tmp.resolve("edit");
        String rect = DemoTest.repoRoot().resolve("models").resolve("rectifier-emoji-ddpm-32").toString();
        CliRun train = CliRun.run("train", "rectifier-edit", "--rectifier", rect, "--source", "smiling face",
                "--target", "crying face", "--images", faces.toString(), "--steps", "2", "--batch", "2", "--json",
                "--out", run.toString());
        assertEquals(0, train.code(), train::describe);
        Path model = run.resolve("model");
        JsonNode spec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(model.resolve("edit.json").toFile());
        assertEquals("crying face", spec.path("target").asText());
        assertEquals(faces.toString(), spec.path("images").asText());
        assertEquals(2, spec.path("steps").asInt());
        // the reconstruction rectifier, given by path, is referred to relative to the edit; the base model keeps the
        // shipped name the rectifier gave it
        assertEquals(Path.of(rect), model.resolve(spec.path("inversion").asText()).normalize());
        assertEquals("emoji-ddpm-32", ModelDirectory.open(model).configTree().path("base").asText());
        String card = Files.readString(model.resolve("MODEL_CARD.md")).replace(" \\\n        ", " ");
        assertTrue(card.contains("--source \"smiling face\" --target \"crying face\""), card);

        Path out = tmp.resolve("edited.png");
        CliRun edit = CliRun.run("edit", "rectifier", "--rectifier", model.toString(), "--image", FACE.toString(),
                "--steps", "4", "--json", "--out", out.toString());
        assertEquals(0, edit.code(), edit::describe);
        assertEquals("crying face", edit.json().path("target").asText());
        assertEquals(4, edit.json().path("steps").asInt());
        RgbImage img = Images.read(out);
        assertEquals(32, img.width());
        assertEquals("crying face", Images.readPngText(out).get("retouch.target"));

        // paper 002 Table 2 on the two faces: the edit, the DiffusionCLIP-style baseline trained with the edit's
        // data and budget (2 steps of batch 2), its full-interval ablation, and the unedited reconstruction
        Path evalDir = tmp.resolve("eval");
        String[] evalArgs = {"eval", "rectifier", "--edit", model + "=face-concerned", "--images", faces.toString(),
                "--steps", "4", "--baseline-steps", "4", "--gen-steps", "2", "--json", "--out", evalDir.toString()};
        CliRun eval = CliRun.run(evalArgs);
        assertEquals(0, eval.code(), eval::describe);
        JsonNode rows = eval.json().path("results");
        assertEquals(List.of("base model, reconstruction (no edit)", "rectifier edit (Algorithm 1)",
                "DiffusionCLIP-style", "DiffusionCLIP-style, full interval"), java.util.stream.StreamSupport.stream(
                rows.spliterator(), false).map(r -> r.path("method").asText()).toList());
        for (JsonNode row : rows) {
            assertTrue(row.path("judge_identity").asDouble() > 0.3 && row.path("judge_identity").asDouble() <= 1.0001,
                    row::toString);
            double share = row.path("judge_target_top1").asDouble();
            assertTrue(share == 0 || share == 0.5 || share == 1, row::toString); // two images
            assertTrue(row.path("l1_to_input").asDouble() > 0 && row.path("l1_to_input").asDouble() < 1, row::toString);
        }
        assertTrue(rows.get(2).path("train_seconds").asDouble() > 0, rows::toString);
        Path baseline = evalDir.resolve("baselines").resolve("model-t500").resolve("model");
        assertTrue(Files.isRegularFile(baseline.resolve("model.safetensors")), "no baseline at " + baseline);
        assertTrue(Files.isRegularFile(evalDir.resolve("index.html")) && Files.isRegularFile(evalDir.resolve("report.json")));
        // a second run reuses the trained baselines and gives the same numbers
        var stamp = Files.getLastModifiedTime(baseline.resolve("model.safetensors"));
        CliRun again = CliRun.run(evalArgs);
        assertEquals(0, again.code(), again::describe);
        assertEquals(stamp, Files.getLastModifiedTime(baseline.resolve("model.safetensors")));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).path("judge_identity").asDouble(),
                    again.json().path("results").get(i).path("judge_identity").asDouble(), 1e-9);
        }

        // without baselines: the reconstruction and the edit only
        CliRun quick = CliRun.run("eval", "rectifier", "--edit", model + "=face-concerned", "--images", faces.toString(),
                "--steps", "4", "--no-baselines", "--json", "--out", tmp.resolve("eval-quick").toString());
        assertEquals(0, quick.code(), quick::describe);
        assertEquals(2, quick.json().path("results").size(), quick::describe);
        assertEquals(rows.get(1).path("judge_identity").asDouble(),
                quick.json().path("results").get(1).path("judge_identity").asDouble(), 1e-9);

        // an attribute the judge cannot see, read against true targets: the faces themselves as their own truth,
        // so the reconstruction's L1 to the truth is its L1 to the input, and the input's own is 0
        CliRun truth = CliRun.run("eval", "rectifier", "--edit", model.toString(), "--images", faces.toString(),
                "--truth", faces.toString(), "--steps", "4", "--no-baselines", "--json", "--out",
                tmp.resolve("eval-truth").toString());
        assertEquals(0, truth.code(), truth::describe);
        assertEquals(0.0, truth.json().path("input_l1_to_truth").asDouble(), 1e-12);
        JsonNode tr = truth.json().path("results");
        for (JsonNode row : tr) {
            assertEquals(row.path("l1_to_input").asDouble(), row.path("l1_to_truth").asDouble(), 1e-12, row::toString);
            // no pixel differs between input and truth: no edit region, everything is "outside"
            assertTrue(row.path("truth_region_progress").isNull(), row::toString);
            assertEquals(row.path("l1_to_input").asDouble(), row.path("outside_region_l1").asDouble(), 1e-9,
                    row::toString);
            assertTrue(row.path("judge_target_top1").isMissingNode(), "no judge target named: " + row);
        }
        assertEquals(rows.get(1).path("l1_to_input").asDouble(), tr.get(1).path("l1_to_input").asDouble(), 1e-9);
        CliRun noReading = CliRun.run("eval", "rectifier", "--edit", model.toString(), "--images", faces.toString(),
                "--no-baselines", "--out", tmp.resolve("eval-none").toString());
        assertEquals(2, noReading.code(), noReading::describe);
        assertTrue(noReading.err().contains("--truth"), noReading::describe);
        Path partial = Files.createDirectories(tmp.resolve("partial-truth"));
        Files.copy(FACE, partial.resolve("1f601.png"));
        CliRun missing = CliRun.run("eval", "rectifier", "--edit", model.toString(), "--images", faces.toString(),
                "--truth", partial.toString(), "--no-baselines", "--out", tmp.resolve("eval-missing").toString());
        assertEquals(2, missing.code(), missing::describe);
        assertTrue(missing.err().contains("1f629.png"), missing::describe);

        // bad input: one clear error each, exit 2, nothing written
        CliRun same = CliRun.run("train", "rectifier-edit", "--rectifier", rect, "--source", "cat face", "--target",
                "cat face", "--images", faces.toString(), "--steps", "1", "--out", tmp.resolve("same").toString());
        assertEquals(2, same.code(), same::describe);
        assertTrue(same.err().contains("the same"), same::describe);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun none = CliRun.run("train", "rectifier-edit", "--rectifier", rect, "--source", "a face", "--target",
                "a cat", "--images", empty.toString(), "--steps", "1", "--out", tmp.resolve("none").toString());
        assertEquals(2, none.code(), none::describe);
        assertTrue(none.err().contains(empty.toString()) && none.err().contains("no PNG"), none::describe);
        CliRun steps = CliRun.run("train", "rectifier-edit", "--rectifier", rect, "--source", "a face", "--target",
                "a cat", "--images", faces.toString(), "--steps", "0", "--out", tmp.resolve("zero").toString());
        assertEquals(2, steps.code(), steps::describe);
        CliRun fromEdit = CliRun.run("train", "rectifier-edit", "--rectifier", model.toString(), "--source", "a face",
                "--target", "a cat", "--images", faces.toString(), "--out", tmp.resolve("again").toString());
        assertEquals(2, fromEdit.code(), fromEdit::describe);
        assertTrue(fromEdit.err().contains("is an edit"), fromEdit::describe);
        CliRun zero = CliRun.run("edit", "rectifier", "--rectifier", model.toString(), "--image", FACE.toString(),
                "--steps", "0", "--out", tmp.resolve("z.png").toString());
        assertEquals(2, zero.code(), zero::describe);
        CliRun plain = CliRun.run("edit", "rectifier", "--rectifier", rect, "--image", FACE.toString(), "--out",
                tmp.resolve("p.png").toString());
        assertEquals(1, plain.code(), plain::describe);
        assertTrue(plain.err().contains("not a rectifier edit"), plain::describe);
        for (String name : List.of("same", "none", "zero", "again")) {
            assertFalse(Files.exists(tmp.resolve(name).resolve("model")), name);
        }
        assertFalse(Files.exists(tmp.resolve("z.png")) || Files.exists(tmp.resolve("p.png")));
    }
}
