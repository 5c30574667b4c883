package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval samples and eval reconstruction through their benchmarks, on the shipped pixel model and judge. */
class EvalBenchmarksCommandTest {
    @TempDir
    Path tmp;

    private static String shipped(String name) {
        return DemoTest.repoRoot().resolve("models").resolve(name).toString();
    }

    @Test
    void moreSamplingStepsGiveSamplesCloserToTheTestSet() {
        JsonNode one = samples(1);
        JsonNode fifty = samples(50);
        for (JsonNode r : new JsonNode[]{one, fifty}) {
            assertEquals(8, r.get("count").asInt());
            assertEquals(32, r.get("resolution").asInt());
            assertTrue(r.get("judge_fd_floor_train_vs_test").asDouble() > 0, r.toString());
            double recognised = r.get("recognised_share").asDouble();
            assertTrue(recognised >= 0 && recognised <= 1, r.toString());
            double shares = 0;
            for (JsonNode v : r.get("top_subcategories")) {
                shares += v.asDouble();
            }
            assertTrue(shares > 0 && shares <= 1 + 1e-9, r.toString());
        }
        assertEquals(one.get("judge_fd_floor_same_count").asDouble(), fifty.get("judge_fd_floor_same_count").asDouble(),
                0.0, "the floor does not depend on the samples");
        assertTrue(fifty.get("judge_fd").asDouble() < one.get("judge_fd").asDouble(), "one DDIM step from noise is a "
                + "blur: " + one.get("judge_fd") + " vs 50 steps " + fifty.get("judge_fd"));
    }

    private JsonNode samples(int steps) {
        Path out = tmp.resolve("samples-" + steps);
        CliRun r = CliRun.run("eval", "samples", "--model", shipped("emoji-ddpm-32"), "--judge", shipped("emoji-judge"),
                "--count", "8", "--steps", String.valueOf(steps), "--json", "--out", out.toString());
        assertEquals(0, r.code(), r::describe);
        assertTrue(Files.isRegularFile(out.resolve("report.json")) && Files.isRegularFile(out.resolve("index.html")));
        return r.json();
    }

    @Test
    void reconstructionReportsEveryStepCountAndTheJudgeReading() throws Exception {
        Path out = tmp.resolve("recon");
        CliRun r = CliRun.run("eval", "reconstruction", "--model", shipped("emoji-ddpm-32"), "--judge",
                shipped("emoji-judge"), "--steps", "5,50", "--limit", "4", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertEquals(4, j.get("images").asInt());
        JsonNode five = j.get("results").get(0);
        JsonNode fifty = j.get("results").get(1);
        assertEquals(5, five.get("steps").asInt());
        assertEquals(50, fifty.get("steps").asInt());
        assertTrue(fifty.get("psnr_mean").asDouble() > 25, j.toString());
        assertTrue(fifty.get("judge_same_top1").asDouble() >= 0.75, j.toString());
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"judge_fd_to_inputs\""));
        CliRun noJudge = CliRun.run("eval", "reconstruction", "--model", shipped("emoji-ddpm-32"), "--judge",
                "no-such-judge", "--steps", "5", "--limit", "2", "--json", "--out", tmp.resolve("nj").toString());
        assertEquals(0, noJudge.code(), noJudge::describe);
        assertTrue(noJudge.err().contains("no judge readings"), noJudge.err());
        assertTrue(!noJudge.json().get("results").get(0).has("judge_same_top1"), noJudge.out());
    }

    @Test
    void textToImageOnHeldOutCaptionsWithAndWithoutTheUntrainedFloor() {
        Path out = tmp.resolve("ldm");
        CliRun r = CliRun.run("eval", "ldm", "--model", shipped("emoji-ldm"), "--judge", shipped("emoji-judge"),
                "--limit", "4", "--steps", "4", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertEquals(4, j.get("captions").asInt());
        assertTrue(j.get("real_judge_top1").asDouble() >= 0.5, "the judge knows the real images: " + j);
        for (String k : new String[]{"judge_top1", "untrained_judge_top1"}) {
            double v = j.get(k).asDouble();
            assertTrue(v >= 0 && v <= 1, k + " " + v);
        }
        assertTrue(j.get("judge_fd").asDouble() > 0 && j.get("untrained_judge_fd").asDouble() > 0, j.toString());
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        CliRun noFloor = CliRun.run("eval", "ldm", "--model", shipped("emoji-ldm"), "--judge", shipped("emoji-judge"),
                "--limit", "4", "--steps", "4", "--no-floor", "--json", "--out", tmp.resolve("ldm2").toString());
        assertEquals(0, noFloor.code(), noFloor::describe);
        assertTrue(!noFloor.json().has("untrained_judge_fd"));
        assertEquals(j.get("judge_top1").asDouble(), noFloor.json().get("judge_top1").asDouble(), 0.0, "seeded");
        assertEquals("test", j.get("split").asText());
        // the validation split (for choosing sampling settings): other captions, other real images
        CliRun val = CliRun.run("eval", "ldm", "--model", shipped("emoji-ldm"), "--judge", shipped("emoji-judge"),
                "--split", "validation", "--limit", "4", "--steps", "4", "--no-floor", "--json", "--out",
                tmp.resolve("ldm-val").toString());
        assertEquals(0, val.code(), val::describe);
        assertEquals("validation", val.json().get("split").asText());
        assertTrue(val.json().get("real_images").asLong() != j.get("real_images").asLong()
                || val.json().get("real_judge_top1").asDouble() != j.get("real_judge_top1").asDouble(), val::describe);
        // one image per real image (repeats kept): the chosen real images score their own subcategory as the judge
        // reads them, and the real images of distinct captions are a set of their own with a judge-FD to the split
        assertEquals("per distinct caption", j.get("sampling").asText());
        assertTrue(j.get("real_one_per_caption_judge_fd").asDouble() > 0, j.toString());
        CliRun perImage = CliRun.run("eval", "ldm", "--model", shipped("emoji-ldm"), "--judge", shipped("emoji-judge"),
                "--per-image", "--limit", "4", "--steps", "4", "--no-floor", "--json", "--out",
                tmp.resolve("ldm-pi").toString());
        assertEquals(0, perImage.code(), perImage::describe);
        assertEquals("per image", perImage.json().get("sampling").asText());
        assertEquals(4, perImage.json().get("captions").asInt());
        CliRun train = CliRun.run("eval", "ldm", "--split", "train", "--out", tmp.resolve("ldm-train").toString());
        assertEquals(2, train.code(), train::describe);
        assertTrue(train.err().contains("--split must be validation or test"), train::describe);
        assertTrue(!Files.exists(tmp.resolve("ldm-train")), "nothing written");
        CliRun unknown = CliRun.run("eval", "ldm", "--split", "tset", "--out", tmp.resolve("ldm-tset").toString());
        assertEquals(2, unknown.code(), unknown::describe);
        assertTrue(unknown.err().contains("--split must be validation or test (the model was trained on train), "
                + "found 'tset'"), unknown::describe);
        CliRun fewshot = CliRun.run("eval", "fewshot", "--held-out", "TRAIN", "--out", tmp.resolve("fs").toString());
        assertEquals(2, fewshot.code(), fewshot::describe);
        assertTrue(fewshot.err().contains("--held-out must be validation or test"), fewshot::describe);
        assertTrue(!Files.exists(tmp.resolve("ldm-tset")) && !Files.exists(tmp.resolve("fs")), "nothing written");
    }

    @Test
    void pixelguideKeepsTheOutsideOfItsRoiAndTheSdeditBaselineDoesNot() {
        Path out = tmp.resolve("pg");
        CliRun r = CliRun.run("eval", "pixelguide", "--model", shipped("emoji-ddpm-32"), "--classifiers",
                shipped("pixelguide-emoji"), "--judge", shipped("emoji-judge"), "--clip", shipped("emoji-clip"),
                "--split", "validation", "--faces", "1", "--full", "0", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r::describe);
        JsonNode j = r.json();
        assertTrue(j.get("cases").asInt() >= 1, j.toString());
        JsonNode pg = j.get("pixelguide");
        JsonNode sd = j.get("sdedit");
        // pixelguide puts x0 back outside the ROI after the last step: identical pixels (PSNR capped at 100)
        assertEquals(100.0, pg.get("psnr_outside_capped100").asDouble(), 1e-9, j.toString());
        assertTrue(sd.get("psnr_outside_capped100").asDouble() < 60, j.toString());
        double acc = pg.get("accuracy_inside_judge").asDouble();
        assertTrue(acc >= 0 && acc <= 1, j.toString());
        assertTrue(!j.has("rows") && j.has("per_edit") && j.has("full_vs_respaced"), j.toString());
        assertTrue(r.err().contains("validation faces pass the yellow-face rule"), r.err());
        CliRun train = CliRun.run("eval", "pixelguide", "--split", "train", "--out", tmp.resolve("bad").toString());
        assertEquals(2, train.code(), train::describe);
        assertTrue(train.err().contains("--split must be validation or test"), train.err());
    }

    @Test
    void theShippedClipRetrievesAboveChanceAndTheAutoencoderRoundTrips() {
        CliRun clip = CliRun.run("eval", "clip", "--model", shipped("emoji-clip"), "--json", "--out",
                tmp.resolve("clip").toString());
        assertEquals(0, clip.code(), clip::describe);
        JsonNode c = clip.json();
        assertEquals("test", c.get("split").asText());
        assertTrue(c.get("top1").asDouble() > 10 * c.get("chance_top1").asDouble(), c.toString());
        assertTrue(c.get("top5").asDouble() >= c.get("top1").asDouble(), c.toString());
        CliRun vae = CliRun.run("eval", "vae", "--model", shipped("emoji-vae"), "--json", "--out",
                tmp.resolve("vae").toString());
        assertEquals(0, vae.code(), vae::describe);
        JsonNode v = vae.json();
        assertEquals(c.get("images").asInt(), v.get("images").asInt(), "the same test split");
        assertTrue(v.get("psnr").asDouble() > 25 && v.get("ssim").asDouble() > 0.9, v.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("vae/index.html")) && Files.isRegularFile(tmp.resolve("clip/report.json")));
    }
}
