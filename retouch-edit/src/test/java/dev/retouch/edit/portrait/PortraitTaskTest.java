package dev.retouch.edit.portrait;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiCache;
import dev.retouch.data.emoji.EmojiDataset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The two portrait tasks on the real emoji set (skipped without the archive unless -Dretouch.requireEmoji). */
class PortraitTaskTest {
    private static EmojiDataset data;

    @BeforeEach
    void loadOrSkip() {
        EmojiCache cache = EmojiCache.fromEnvironment();
        if (!cache.isPresent()) {
            if (Boolean.getBoolean("retouch.requireEmoji")) {
                fail("emoji archive absent: " + cache.path());
            }
            Assumptions.abort("emoji archive absent: " + cache.path());
        }
        synchronized (PortraitTaskTest.class) {
            if (data == null) {
                data = EmojiDataset.load(cache.path());
            }
        }
    }

    @Test
    void manWomanPromptsComeFromTrainRolesAndTheHeldOutPairsAreRealSameToneVariants() {
        PortraitTask t = PortraitTask.parse("man-woman");
        assertEquals(List.of("woman", "man"), t.targets());
        assertEquals("person", t.sourcePrompt());
        List<PortraitTask.PairPrompt> prompts = t.prompts(data);
        assertTrue(prompts.size() > 200, "roles × tones × directions: " + prompts.size());
        for (PortraitTask.PairPrompt p : prompts) {
            String[] kinds = p.direction().name().split("-to-");
            assertTrue(p.target().startsWith(kinds[1] + " ") || kinds[1].equals("person"), p.toString());
            assertTrue(p.shared().contains(" | "), p.toString());
        }
        assertEquals(4, prompts.stream().map(p -> p.direction().name()).distinct().count(), "all four directions");
        List<PortraitTask.RealPair> held = t.heldOut(data);
        assertTrue(held.stream().anyMatch(p -> !p.seen()) && held.stream().anyMatch(PortraitTask.RealPair::seen));
        for (PortraitTask.RealPair p : held) {
            String s = p.source().base().name().toLowerCase(Locale.ROOT);
            String g = p.target().base().name().toLowerCase(Locale.ROOT);
            assertTrue(s.startsWith("man ") && g.equals("woman " + s.substring(4))
                    || s.startsWith("woman ") && g.equals("man " + s.substring(6)), s + " → " + g);
            assertEquals(String.valueOf(p.source().skinTone()), String.valueOf(p.target().skinTone()));
            assertEquals(p.source().split() == Split.TRAIN && p.target().split() == Split.TRAIN, p.seen());
        }
        // every generation prompt is a pair of train-split images: the unseen held-out pairs are never prompted
        List<String> unseen = held.stream().filter(p -> !p.seen()).map(p -> p.source().caption()).toList();
        assertFalse(prompts.stream().anyMatch(p -> unseen.contains(p.source()) && p.direction().name().startsWith("m")
                && held.stream().anyMatch(h -> !h.seen() && h.source().caption().equals(p.source())
                && h.target().caption().equals(p.target()))));
    }

    @Test
    void expressionPromptsPairTrainFacesWithTheDirectionsEmoji() {
        PortraitTask t = PortraitTask.parse("expression");
        assertEquals(List.of("smiling face", "crying face", "angry face", "surprised face"), t.targets());
        List<PortraitTask.PairPrompt> prompts = t.prompts(data);
        for (PortraitTask.Direction d : t.directions()) {
            String target = PortraitTask.expressionTarget(data, d).caption();
            assertTrue(prompts.stream().filter(p -> p.direction().equals(d)).allMatch(p -> p.target().equals(target)
                    && !p.source().equals(target)), d.toString());
        }
        assertTrue(PortraitTask.sourceFaces(data, Split.TRAIN).stream().noneMatch(i ->
                i.base().subcategory().equals("face-costume")));
        assertEquals("loudly crying face, face-concerned", PortraitTask.expressionTarget(data,
                t.directions().get(1)).caption());
        assertThrows(InvalidRequestException.class, () -> PortraitTask.parse("cats"));
        assertThrows(InvalidRequestException.class, () -> t.target("woman"));
    }
}
