package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The judge is evaluation-only: no method, guidance, loss or training task may use it, so none can be optimised
 * against the model that scores it. Every compiled class of every module is read; a class that names the judge's
 * package in its constant pool must be evaluation code: the {@code dev.retouch.eval} module itself, or one of the
 * CLI's evaluation, demo and judge-training commands and their report writer (HtmlReport), and the server's front
 * class, which labels a finished result for display (the label is shown, never handed to an editor; the job
 * parsing and running classes may not refer to the judge).
 */
class JudgeIsolationTest {
    private static final String JUDGE = "dev/retouch/eval/judge/";
    private static final Pattern ALLOWED = Pattern.compile(
            "dev/retouch/eval/.*|dev/retouch/cli/(Eval[A-Za-z]*|[A-Za-z]*Demo[A-Za-z]*|TrainJudgeCommand|HtmlReport)(\\$.*)?\\.class"
                    + "|dev/retouch/server/RetouchServer(\\$.*)?\\.class");

    @Test
    void onlyEvaluationCodeReferencesTheJudge() throws IOException {
        List<String> referrers = referrers();
        assertTrue(referrers.stream().anyMatch(r -> r.endsWith("dev/retouch/cli/TrainJudgeCommand.class")),
                "the scan must see the judge's own training command refer to it: " + referrers);
        List<String> offenders = referrers.stream().filter(r -> !ALLOWED.matcher(r).matches()).toList();
        assertTrue(offenders.isEmpty(), "classes outside the evaluation code refer to the judge: " + offenders);
    }

    @Test
    void theRuleRefusesAMethodOrTrainingTask() {
        assertFalse(ALLOWED.matcher("dev/retouch/edit/pixelguide/PixelGuide.class").matches());
        assertFalse(ALLOWED.matcher("dev/retouch/diffusion/train/LdmTask.class").matches());
        assertFalse(ALLOWED.matcher("dev/retouch/cli/TrainLdmCommand.class").matches());
        assertFalse(ALLOWED.matcher("dev/retouch/cli/EditSineCommand.class").matches());
        assertTrue(ALLOWED.matcher("dev/retouch/cli/EvalSineCommand$Row.class").matches());
        assertFalse(ALLOWED.matcher("dev/retouch/server/JobRequests.class").matches());
        assertFalse(ALLOWED.matcher("dev/retouch/server/JobManager.class").matches());
    }

    /** Class files (relative to their module's classes directory) whose bytes name the judge's package. */
    private static List<String> referrers() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("retouch-"))
                    .map(p -> p.resolve("target/classes")).filter(Files::isDirectory).toList();
        }
        assertTrue(dirs.size() >= 6, "expected every module's classes under " + root + ", found " + dirs);
        List<String> out = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    if (bytes.contains(JUDGE)) {
                        out.add(dir.relativize(f).toString().replace('\\', '/'));
                    }
                }
            }
        }
        return out;
    }
}
