package dev.retouch.data.emoji;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The committed fixtures under {@code src/test/resources/emoji/}: an emoji.json subset and its PNGs. */
final class Fixtures {
    static final List<String> PNG_FILES = List.of("1f44b.png", "1f44b-1f3ff.png", "1f44d.png", "1f44d-1f3ff.png",
            "1f600.png", "1f602.png", "1f610.png", "1f622.png", "1f62d.png", "1f91d.png",
            "1faf1-1f3fb-200d-1faf2-1f3ff.png");

    private Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/emoji/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /emoji/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<EmojiEntry> entries() {
        return EmojiJson.parse(resource("fixtures.json"), "fixtures.json");
    }

    static Map<String, byte[]> pngs() {
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        for (String file : PNG_FILES) {
            pngs.put(file, resource(file));
        }
        return pngs;
    }

    static EmojiDataset dataset() {
        return EmojiDataset.of(entries(), pngs(), "test fixtures");
    }
}
