package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    enum Mode { EPSILON, SAMPLE }

    record Block(int channels, List<Integer> mult) {
    }

    record Config(String name, int steps, double lr, Mode mode, Block block, Map<String, Integer> extra) {
        Config {
            if (steps <= 0) {
                throw new IllegalArgumentException("steps must be positive, found " + steps);
            }
        }
    }

    private static final Config CONFIG = new Config("tiny", 10, 1e-4, Mode.SAMPLE, new Block(32, List.of(1, 2)),
            Map.of("z", 1, "a", 2));

    @TempDir
    Path dir;

    @Test
    void prettyStableOrderAndRoundTrip() {
        String json = Json.toJson(CONFIG);
        assertEquals("""
                {
                  "name": "tiny",
                  "steps": 10,
                  "lr": 1.0E-4,
                  "mode": "SAMPLE",
                  "block": {
                    "channels": 32,
                    "mult": [ 1, 2 ]
                  },
                  "extra": {
                    "a": 2,
                    "z": 1
                  }
                }
                """, json);
        assertEquals(CONFIG, Json.fromJson(json, Config.class));
    }

    @Test
    void fileRoundTrip() {
        Path file = dir.resolve("c.json");
        Json.write(file, CONFIG);
        assertEquals(CONFIG, Json.read(file, Config.class));
    }

    private static String fail(String json) {
        String m = assertThrows(RetouchException.class, () -> Json.fromJson(json, Config.class, "c.json")).getMessage();
        return m;
    }

    private static String withField(String from, String to) {
        String json = Json.toJson(CONFIG);
        assertTrue(json.contains(from), from);
        return json.replace(from, to);
    }

    @Test
    void strictReadingNamesTheProblem() {
        String m = fail(withField("\"steps\": 10,", "\"steps\": 10, \"stepz\": 3,"));
        assertTrue(m.contains("c.json") && m.contains("unknown field 'stepz'") && m.contains("steps"), m);
        m = fail(withField("\"steps\": 10,", ""));
        assertTrue(m.contains("missing field 'steps'"), m);
        m = fail(withField("\"channels\": 32,", ""));
        assertTrue(m.contains("missing field 'block.channels'"), m);
        m = fail(withField("\"steps\": 10,", "\"steps\": 10, \"steps\": 11,"));
        assertTrue(m.contains("not valid JSON") && m.contains("Duplicate field 'steps'"), m);
        m = fail(withField("\"steps\": 10,", "\"steps\": \"10\","));
        assertTrue(m.contains("field 'steps'"), m);
        m = fail(withField("\"steps\": 10,", "\"steps\": 1.5,"));
        assertTrue(m.contains("field 'steps'"), m);
        m = fail(withField("\"SAMPLE\"", "\"sample\""));
        assertTrue(m.contains("field 'mode'") && m.contains("EPSILON"), m);
        m = fail(withField("\"steps\": 10,", "\"steps\": 0,"));
        assertTrue(m.contains("steps must be positive, found 0"), m);
        m = fail(Json.toJson(CONFIG) + "{}");
        assertTrue(m.contains("not valid JSON"), m);
        m = fail("");
        assertTrue(m.contains("c.json is empty"), m);
    }
}
