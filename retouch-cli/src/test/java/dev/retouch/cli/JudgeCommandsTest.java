package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.data.emoji.EmojiCache;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgeCommandsTest {
    @TempDir
    Path tmp;

    private static void requireEmoji() {
        EmojiCache cache = EmojiCache.fromEnvironment();
        if (!cache.isPresent() && Boolean.getBoolean("retouch.requireEmoji")) {
            throw new AssertionError("emoji archive absent: " + cache.path());
        }
        Assumptions.assumeTrue(cache.isPresent(), "emoji archive absent: " + cache.path());
    }

    @Test
    void aShortRunWritesAJudgeWhoseReportEvalJudgeReproduces() throws Exception {
        requireEmoji();
        Path run = tmp.resolve("judge");
        CliRun t = CliRun.run("train", "judge", "--steps", "2", "--batch", "4", "--threads", "2", "--out",
                run.toString(), "--json");
        assertEquals(0, t.code(), t::describe);
        JsonNode tj = t.json();
        assertEquals(2, tj.get("steps").asInt());
        assertEquals(420, tj.get("test_images").asInt()); // the TEST split of emoji-datasource-google 16.0.0
        double top1 = tj.get("test_top1").asDouble();
        assertTrue(top1 >= 0 && top1 <= tj.get("test_top5").asDouble() && tj.get("test_top5").asDouble() <= 1, t.out());
        String card = Files.readString(run.resolve("model/MODEL_CARD.md"));
        assertTrue(card.contains("**Evaluation only.**") && card.contains("--steps 2 --batch 4"), card);

        CliRun e = CliRun.run("eval", "judge", "--model", run.resolve("model").toString(), "--out",
                tmp.resolve("eval").toString(), "--json");
        assertEquals(0, e.code(), e::describe);
        // the saved fp16 weights read back: the same judgements up to fp16 rounding of the weights
        assertEquals(top1, e.json().get("test_top1").asDouble(), 0.02);
        assertEquals(tj.get("held_out_faces").asInt(), e.json().get("held_out_faces").asInt());
        assertTrue(Files.isRegularFile(tmp.resolve("eval/report.json")));

        CliRun again = CliRun.run("train", "judge", "--steps", "2", "--out", run.toString());
        assertEquals(1, again.code(), again::describe);
        assertTrue(again.err().contains("--resume"), again.err());

        // stage 2: only the face-part head learns; the classifier's numbers are the stage-1 model's exactly
        CliRun h = CliRun.run("train", "judge", "--face-head-only", run.resolve("model").toString(), "--class-balance",
                "--steps", "2", "--batch", "4", "--threads", "2", "--out", tmp.resolve("head").toString(), "--json");
        assertEquals(0, h.code(), h::describe);
        assertEquals(e.json().get("test_top1").asDouble(), h.json().get("test_top1").asDouble(), 0.0);
        assertEquals(e.json().get("train_test_judge_fd").asDouble(), h.json().get("train_test_judge_fd").asDouble(), 1e-9);
        assertEquals(e.json().get("face_mean_iou").asDouble(), h.json().get("face_mean_iou_before").asDouble(), 1e-9);
        double present = h.json().get("face_mean_iou_present_classes").asDouble();
        assertTrue(present >= 0 && present <= 1, h.out());
        String headCard = Files.readString(tmp.resolve("head/model/MODEL_CARD.md"));
        assertTrue(headCard.contains("--face-head-only") && headCard.contains("--class-balance")
                && headCard.contains("bit-identical") && headCard.contains(card.strip()), headCard);
    }

    @Test
    void anUnusableEmojiCacheIsOneClearError() throws Exception {
        // a cache "directory" that is a file: the archive can be neither found nor fetched (and no network is used)
        Path notADir = Files.writeString(tmp.resolve("no-cache"), "not a directory");
        String old = System.getProperty("retouch.cache");
        System.setProperty("retouch.cache", notADir.toString());
        try {
            CliRun r = CliRun.run("train", "judge", "--steps", "1", "--out", tmp.resolve("j").toString());
            assertEquals(1, r.code(), r::describe);
            assertEquals(1, r.errorLines().size(), r::describe);
            assertTrue(r.errorLines().get(0).contains(tmp.resolve("no-cache").toString()), r.err());
            assertFalse(Files.exists(tmp.resolve("j/model")), "nothing written");
        } finally {
            if (old == null) {
                System.clearProperty("retouch.cache");
            } else {
                System.setProperty("retouch.cache", old);
            }
        }
    }
}
