package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.io.ModelDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A next training stage: --init-from a model, switched to v-prediction; the card names the whole recipe. */
class TrainDdpmStagesTest {
    @TempDir
    Path tmp;

    @Test
    void aStageStartsFromAModelWithANewTargetAndAMismatchedArchitectureIsOneError() throws Exception {
        Path stage1 = tmp.resolve("stage1");
        CliRun.tinyModel(stage1, 5, CliRun.tiny16());
        String base = String.valueOf(CliRun.tiny16().baseChannels());
        CliRun r = CliRun.run("train", "ddpm", "--init-from", stage1.toString(), "--size", "16", "--base-channels",
                base, "--prediction", "V_PREDICTION", "--min-snr-gamma", "5", "--warmup", "1", "--steps", "2",
                "--batch", "2", "--json", "--out", tmp.resolve("stage2").toString());
        assertEquals(0, r.code(), r::describe);
        JsonNode config = ModelDirectory.open(tmp.resolve("stage2/model")).configTree();
        assertEquals("V_PREDICTION", config.path("noise").path("predictionType").asText());
        // the card's command as the shell reads it (wrapped lines joined)
        String card = Files.readString(tmp.resolve("stage2/model/MODEL_CARD.md")).replace(" \\\n        ", " ");
        assertTrue(card.contains("--prediction V_PREDICTION --min-snr-gamma 5.0 --warmup 1 --init-from " + stage1), card);
        CliRun bad = CliRun.run("train", "ddpm", "--init-from", stage1.toString(), "--size", "32", "--steps", "2",
                "--out", tmp.resolve("bad").toString());
        assertEquals(1, bad.code(), bad::describe);
        assertEquals(1, bad.errorLines().size(), bad::describe);
        assertTrue(bad.err().contains("--init-from") && bad.err().contains("size"), bad.err());
        assertTrue(!Files.exists(tmp.resolve("bad/model")), "nothing written");
    }
}
