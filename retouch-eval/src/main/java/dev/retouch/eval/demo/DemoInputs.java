package dev.retouch.eval.demo;

import dev.retouch.core.RetouchException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The demo's bundled input images (test-split emoji, see resources/demo/README.md). */
public final class DemoInputs {
    public static final List<String> NAMES = List.of("1f601.png", "1f629.png", "1f98a.png", "1f34d.png");

    private DemoInputs() {
    }

    /**
     * Every bundled test-split image, as a path under the bundle: the four inputs and the fewshot section's three
     * yellow people (the skin-tone effect's kind of input).
     */
    public static final List<String> SAMPLES = List.of("1f601.png", "1f629.png", "1f98a.png", "1f34d.png",
            "fewshot/before/1f3c3-200d-27a1-fe0f.png", "fewshot/before/1f487-200d-2642-fe0f.png",
            "fewshot/before/1f6b6-200d-2642-fe0f-200d-27a1-fe0f.png");

    /** The bytes of one bundled image (one of {@link #SAMPLES}). */
    public static byte[] bytes(String name) {
        if (!SAMPLES.contains(name)) {
            throw new RetouchException("no bundled image '" + name + "'; bundled: " + SAMPLES);
        }
        try (InputStream in = DemoInputs.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new RetouchException("demo input /demo/" + name + " missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RetouchException("cannot read /demo/" + name + ": " + e.getMessage(), e);
        }
    }

    /** A bundled image by its path under {@code /demo/} (e.g. {@code fewshot/before/NAME.png}), decoded. */
    static dev.retouch.core.image.RgbImage image(String path) {
        try (InputStream in = DemoInputs.class.getResourceAsStream("/demo/" + path)) {
            if (in == null) {
                throw new RetouchException("demo input /demo/" + path + " missing from the classpath");
            }
            return dev.retouch.core.image.Images.decode(in.readAllBytes(), path,
                    dev.retouch.core.image.Images.DEFAULT_MAX_PIXELS);
        } catch (IOException e) {
            throw new RetouchException("cannot read demo input /demo/" + path + ": " + e.getMessage(), e);
        }
    }

    /** Copies the bundled inputs into {@code dir} and returns their paths. */
    public static List<Path> extract(Path dir) {
        List<Path> out = new ArrayList<>();
        for (String name : NAMES) {
            Path target = dir.resolve("input-" + name);
            try (InputStream in = DemoInputs.class.getResourceAsStream("/demo/" + name)) {
                if (in == null) {
                    throw new RetouchException("demo input /demo/" + name + " missing from the classpath");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new RetouchException("cannot write " + target + ": " + e.getMessage(), e);
            }
            out.add(target);
        }
        return out;
    }
}
