package dev.retouch.diffusion.text;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How often each adjacent symbol pair occurs in a weighted set of words, and which words hold it; updated word by
 * word as merges rewrite them. The word index may list words that no longer hold a pair (callers re-check).
 */
final class PairCounts {
    private final Map<Merge, Long> counts = new HashMap<>();
    private final Map<Merge, Set<Integer>> words = new HashMap<>();

    /** Adds (weight > 0) or removes (weight < 0) the pairs of word number {@code index}. */
    void add(int index, List<String> word, long weight) {
        for (int i = 0; i + 1 < word.size(); i++) {
            Merge pair = new Merge(word.get(i), word.get(i + 1));
            long count = counts.getOrDefault(pair, 0L) + weight;
            if (count == 0) {
                counts.remove(pair);
            } else {
                counts.put(pair, count);
            }
            if (weight > 0) {
                words.computeIfAbsent(pair, p -> new HashSet<>()).add(index);
            }
        }
    }

    /** The most frequent pair; among equally frequent ones the smallest by (first, second); null when none. */
    Merge mostFrequent() {
        Merge best = null;
        long bestCount = 0;
        for (Map.Entry<Merge, Long> e : counts.entrySet()) {
            long c = e.getValue();
            if (c > bestCount || c == bestCount && before(e.getKey(), best)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best;
    }

    /** The words that held {@code pair} at some point (a copy, so callers may update while iterating). */
    Set<Integer> wordsWith(Merge pair) {
        return Set.copyOf(words.getOrDefault(pair, Set.of()));
    }

    private static boolean before(Merge a, Merge b) {
        int c = a.first().compareTo(b.first());
        return c < 0 || c == 0 && a.second().compareTo(b.second()) < 0;
    }
}
