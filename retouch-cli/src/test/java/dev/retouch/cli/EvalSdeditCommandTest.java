package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalSdeditCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aTinyStrengthKeepsSubjectAndPixelsPureNoiseDoesNotAndABadStrengthIsOneUsageError() {
        Path models = DemoTest.repoRoot().resolve("models");
        String model = models.resolve("emoji-ddpm-32").toString();
        String judge = models.resolve("emoji-judge").toString();
        // strength 0.02 of 50 steps: one DDIM step from t ≈ 20, the output is the input up to a little noise
        CliRun low = CliRun.run("eval", "sdedit", "--model", model, "--judge", judge, "--count", "4", "--strength", "0.02", "--json", "--out",
                tmp.resolve("low").toString());
        assertEquals(0, low.code(), low::describe);
        JsonNode l = low.json();
        assertEquals(4, l.get("images").asInt());
        assertEquals(1.0, l.get("subject_kept_share").asDouble(), 0.0);
        assertTrue(l.get("psnr_mean").asDouble() > 28, l.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("low/index.html")));
        // strength 1, 5 steps: a new sample from pure noise, nothing of the input's pixels left
        CliRun high = CliRun.run("eval", "sdedit", "--model", model, "--judge", judge, "--count", "4", "--strength", "1", "--steps", "5", "--json",
                "--out", tmp.resolve("high").toString());
        assertEquals(0, high.code(), high::describe);
        assertTrue(high.json().get("psnr_mean").asDouble() < 15, high.out());
        assertEquals(l.get("input_true_subcategory_share").asDouble(),
                high.json().get("input_true_subcategory_share").asDouble(), 0.0, "the same inputs");
        CliRun bad = CliRun.run("eval", "sdedit", "--strength", "0", "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.code(), bad::describe);
        assertEquals(1, bad.errorLines().size(), bad::describe);
        assertTrue(bad.err().contains("--strength"), bad.err());
    }
}
