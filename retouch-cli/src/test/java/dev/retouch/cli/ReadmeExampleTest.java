package dev.retouch.cli;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java example, taken from the README as it is, compiled and run in a fresh JVM whose working
 * directory holds in.png (a shipped test emoji): it must write out.png, a 32×32 image that differs from the input
 * only around the mouth more than elsewhere.
 */
class ReadmeExampleTest {
    private static final String MARKER = "<!-- java-example: EditExample.java -->";

    @TempDir
    Path tmp;

    static String example(String readme) {
        int m = readme.indexOf(MARKER);
        assertTrue(m >= 0, "README has no " + MARKER);
        int start = readme.indexOf("```java\n", m);
        int end = readme.indexOf("```", start + 8);
        assertTrue(start > m && end > start, "no java block after the marker");
        return readme.substring(start + 8, end);
    }

    @Test
    void theReadmeJavaExampleCompilesRunsAndEdits() throws Exception {
        Path root = DemoTest.repoRoot();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("models").resolve("pixelguide-emoji")),
                "no shipped models at " + root.resolve("models"));
        Path src = tmp.resolve("src").resolve("EditExample.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, example(Files.readString(root.resolve("README.md"))));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        String cp = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-cp", cp, "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + err);

        Path work = Files.createDirectories(tmp.resolve("work"));
        Path face = root.resolve("retouch-data/src/test/resources/emoji/1f600.png");
        Assumptions.assumeTrue(Files.isRegularFile(face), "no fixture " + face);
        Files.copy(face, work.resolve("in.png"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classes + File.pathSeparator + cp,
                "-Dretouch.home=" + root, "EditExample").directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the example did not finish");
        String log = new String(out);
        assertEquals(0, p.exitValue(), "the example failed:\n" + log);
        assertTrue(log.contains("pixelguide step 1/") && log.contains("ROI "), log);

        RgbImage in = dev.retouch.core.image.Resize.square(Images.read(work.resolve("in.png")), 32);
        RgbImage result = Images.read(work.resolve("out.png"));
        assertEquals(32, result.width());
        assertEquals(32, result.height());
        // the mouth (lower middle) changes much more than the top corners, which SDEdit 0.2 only grazes
        double mouth = meanAbs(in, result, 10, 19, 22, 27);
        double corners = (meanAbs(in, result, 0, 0, 6, 6) + meanAbs(in, result, 26, 0, 32, 6)) / 2;
        assertTrue(mouth > 3 * corners && mouth > 0.03, "mouth change " + mouth + " vs corners " + corners);
    }

    private static double meanAbs(RgbImage a, RgbImage b, int x0, int y0, int x1, int y1) {
        int w = a.width();
        int n = w * a.height();
        double sum = 0;
        int count = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    sum += Math.abs(a.chw()[c * n + y * w + x] - b.chw()[c * n + y * w + x]);
                    count++;
                }
            }
        }
        return sum / count;
    }

    @Test
    void theExampleIsExtractedWhole() {
        String ex = example("x\n" + MARKER + "\n```java\nclass A {}\n```\n");
        assertEquals("class A {}\n", ex);
        assertTrue(List.of(ex.split("\n")).size() == 1);
    }
}
