package dev.retouch.diffusion.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One BPE merge rule, a line {@code "first second"} of {@code merges.txt}: adjacent symbols {@code first},
 * {@code second} become the one symbol {@code first + second}.
 */
public record Merge(String first, String second) {
    public Merge {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first.isEmpty() || second.isEmpty() || first.indexOf(' ') >= 0 || second.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("a merge joins two non-empty symbols without spaces, found '"
                    + first + "' and '" + second + "'");
        }
    }

    /** The merged symbol. */
    public String joined() {
        return first + second;
    }

    /**
     * {@code word} with every non-overlapping occurrence of this pair, from left to right, replaced by the joined
     * symbol (as CLIP applies one rule to a word), e.g. {@code (a, a)} on {@code [a, a, a]} → {@code [aa, a]}.
     */
    public List<String> applyTo(List<String> word) {
        List<String> merged = new ArrayList<>(word.size());
        int i = 0;
        while (i < word.size()) {
            if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                merged.add(joined());
                i += 2;
            } else {
                merged.add(word.get(i));
                i += 1;
            }
        }
        return merged;
    }

    /** The line of {@code merges.txt}. */
    @Override
    public String toString() {
        return first + " " + second;
    }
}
