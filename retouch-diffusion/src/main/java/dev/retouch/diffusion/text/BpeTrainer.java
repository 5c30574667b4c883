package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a byte-level BPE vocabulary in CLIP's layout from a corpus of texts, with the same cleaning and
 * pre-tokenizer as {@link ClipTokenizer}.
 *
 * <p>Every pre-token starts as its byte symbols with {@code </w>} on the last one; the trainer repeatedly merges
 * the adjacent pair that occurs most often over the corpus (ties: the smaller pair by first, then second symbol,
 * in {@link String#compareTo} order), everywhere at once, until the vocabulary has the requested size or no pair is
 * left. The vocabulary is laid out as CLIP's: ids 0–255 the byte symbols, 256–511 the same with {@code </w>},
 * then one token per merge in merge order, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 */
public final class BpeTrainer {
    /** The smallest vocabulary: 512 byte symbols and the two special tokens. */
    public static final int MIN_VOCAB_SIZE = 2 * 256 + 2;
    /** The largest vocabulary this trainer accepts (CLIP's has 49,408 tokens). */
    public static final int MAX_VOCAB_SIZE = 1 << 20;

    private final int vocabSize;

    /** A trainer aiming at {@code vocabSize} tokens, merges and special tokens included. */
    public BpeTrainer(int vocabSize) {
        if (vocabSize < MIN_VOCAB_SIZE || vocabSize > MAX_VOCAB_SIZE) {
            throw new RetouchException("the vocabulary size must be between " + MIN_VOCAB_SIZE + " (the 512 byte "
                    + "symbols and 2 special tokens) and " + MAX_VOCAB_SIZE + ", found " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The vocabulary learnt from {@code corpus}; it is smaller than asked when the corpus runs out of pairs. */
    public BpeVocabulary train(Collection<String> corpus) {
        Map<String, Long> frequencies = wordFrequencies(corpus);
        List<List<String>> words = new ArrayList<>();
        long[] weights = new long[frequencies.size()];
        PairCounts pairs = new PairCounts();
        for (Map.Entry<String, Long> e : frequencies.entrySet()) {
            weights[words.size()] = e.getValue();
            pairs.add(words.size(), ByteSymbols.wordSymbols(e.getKey()), e.getValue());
            words.add(ByteSymbols.wordSymbols(e.getKey()));
        }
        Map<String, Integer> ids = byteTokens();
        List<Merge> merges = new ArrayList<>();
        while (ids.size() + 2 < vocabSize) {
            Merge best = pairs.mostFrequent();
            if (best == null) {
                break;
            }
            for (int w : pairs.wordsWith(best)) {
                List<String> merged = best.applyTo(words.get(w));
                if (merged.size() < words.get(w).size()) {
                    pairs.add(w, words.get(w), -weights[w]);
                    pairs.add(w, merged, weights[w]);
                    words.set(w, merged);
                }
            }
            merges.add(best);
            // Merging every occurrence at once means a symbol is never made twice; putIfAbsent is a safeguard.
            ids.putIfAbsent(best.joined(), ids.size());
        }
        ids.put(ClipTokenizer.START_TOKEN, ids.size());
        ids.put(ClipTokenizer.END_TOKEN, ids.size());
        return new BpeVocabulary(ids, merges);
    }

    /** Pre-token → number of occurrences over the cleaned corpus, special tokens left out; sorted by pre-token. */
    static Map<String, Long> wordFrequencies(Collection<String> corpus) {
        Map<String, Long> frequencies = new TreeMap<>();
        for (String text : corpus) {
            for (String word : ClipText.preTokenize(ClipText.clean(text))) {
                if (!word.equals(ClipTokenizer.START_TOKEN) && !word.equals(ClipTokenizer.END_TOKEN)) {
                    frequencies.merge(word, 1L, Long::sum);
                }
            }
        }
        return frequencies;
    }

    /** The 512 byte tokens in CLIP's order: the byte symbols, then the byte symbols with {@code </w>}. */
    private static Map<String, Integer> byteTokens() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String symbol : ByteSymbols.VOCAB_ORDER) {
            ids.put(symbol, ids.size());
        }
        for (String symbol : ByteSymbols.VOCAB_ORDER) {
            ids.put(symbol + ByteSymbols.WORD_END, ids.size());
        }
        return ids;
    }
}
