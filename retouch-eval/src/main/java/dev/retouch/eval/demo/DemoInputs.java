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
