package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE tokenizer (OpenAI {@code SimpleTokenizer}, transformers {@code CLIPTokenizer}) over a
 * {@link BpeVocabulary}. Immutable and thread-safe; the BPE segmentation of each distinct word is cached.
 *
 * <p>{@code encode("A cat")} cleans the text ({@link ClipText#clean}), splits it into pre-tokens
 * ({@link ClipText#preTokenize}), turns each pre-token into byte symbols with {@code </w>} on the last one, applies
 * the lowest-ranked applicable merge until none applies, looks the symbols up, and wraps the ids in
 * {@code <|startoftext|>} … {@code <|endoftext|>}. A pre-token that is itself {@code <|startoftext|>} or
 * {@code <|endoftext|>} becomes that special id, as in CLIP.
 */
public final class ClipTokenizer {
    public static final String START_TOKEN = "<|startoftext|>";
    public static final String END_TOKEN = "<|endoftext|>";
    /** CLIP's text context length (Stable Diffusion 1.x and 2.x). */
    public static final int CLIP_CONTEXT_LENGTH = 77;
    /** Distinct words whose segmentation is cached; beyond this, words are segmented every time. */
    static final int CACHE_LIMIT = 1 << 16;

    private final String source;
    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final Map<Merge, Integer> ranks;
    private final int startId;
    private final int endId;
    private final int padId;
    private final ConcurrentHashMap<String, int[]> cache;

    private ClipTokenizer(String source, Map<String, Integer> ids, String[] tokens, Map<Merge, Integer> ranks,
                          int padId, ConcurrentHashMap<String, int[]> cache) {
        this.source = source;
        this.ids = ids;
        this.tokens = tokens;
        this.ranks = ranks;
        this.startId = ids.get(START_TOKEN);
        this.endId = ids.get(END_TOKEN);
        this.padId = padId;
        this.cache = cache;
    }

    /** The tokenizer of a directory holding {@code vocab.json} and {@code merges.txt}; pads with the end token. */
    public static ClipTokenizer load(Path dir) {
        return of(BpeVocabulary.read(dir), dir.toString());
    }

    /** The tokenizer of a vocabulary in memory (e.g. one just trained); pads with the end token. */
    public static ClipTokenizer of(BpeVocabulary vocabulary) {
        return of(vocabulary, "the BPE vocabulary");
    }

    /** {@code source} names the vocabulary in error messages, e.g. its directory. */
    static ClipTokenizer of(BpeVocabulary vocabulary, String source) {
        Map<String, Integer> ids = vocabulary.ids();
        for (String special : List.of(START_TOKEN, END_TOKEN)) {
            if (!ids.containsKey(special)) {
                throw new RetouchException("the vocabulary of " + source + " lacks the special token " + special);
            }
        }
        Map<Merge, Integer> ranks = new HashMap<>();
        for (int rank = 0; rank < vocabulary.merges().size(); rank++) {
            Merge m = vocabulary.merges().get(rank);
            if (!ids.containsKey(m.joined())) {
                throw new RetouchException("merge " + (rank + 1) + " of " + source + " ('" + m + "') makes '"
                        + m.joined() + "', which the vocabulary lacks; expected every merged symbol in it");
            }
            ranks.putIfAbsent(m, rank);
        }
        String[] tokens = new String[ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        ids.forEach((token, id) -> tokens[id] = token);
        return new ClipTokenizer(source, ids, tokens, Map.copyOf(ranks), ids.get(END_TOKEN),
                new ConcurrentHashMap<>());
    }

    /** This tokenizer padding with {@code padId} (CLIP for SD 1.x pads with the end token, OpenCLIP with 0). */
    public ClipTokenizer withPadId(int padId) {
        if (padId < 0 || padId >= tokens.length || tokens[padId] == null) {
            throw new RetouchException("pad id " + padId + " is not in the vocabulary of " + source);
        }
        return new ClipTokenizer(source, ids, tokens, ranks, padId, cache);
    }

    public int startId() {
        return startId;
    }

    public int endId() {
        return endId;
    }

    public int padId() {
        return padId;
    }

    /** The vocabulary's token of {@code id} as written in {@code vocab.json}. */
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new RetouchException("id " + id + " is not in the vocabulary of " + source);
        }
        return tokens[id];
    }

    /** Number of tokens in the vocabulary. */
    public int vocabSize() {
        return ids.size();
    }

    /** The ids of {@code text}: {@code <|startoftext|>}, the text's tokens, {@code <|endoftext|>}. */
    public int[] encode(String text) {
        List<String> words = ClipText.preTokenize(ClipText.clean(text));
        int[][] parts = new int[words.size()][];
        int n = 2;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = wordIds(words.get(i));
            n += parts[i].length;
        }
        int[] out = new int[n];
        out[0] = startId;
        int at = 1;
        for (int[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        out[n - 1] = endId;
        return out;
    }

    /**
     * The ids of {@code text} in a context of {@code maxLength}: padded with {@link #padId()}, or, when longer, cut
     * to the first {@code maxLength − 1} ids followed by {@code <|endoftext|>} (as CLIP's {@code truncate=True}).
     */
    public ClipEncoding encode(String text, int maxLength) {
        if (maxLength < 2) {
            throw new RetouchException("the context length must be at least 2 (start and end tokens), found "
                    + maxLength);
        }
        int[] all = encode(text);
        boolean truncated = all.length > maxLength;
        int length = Math.min(all.length, maxLength);
        int[] ids = new int[maxLength];
        Arrays.fill(ids, padId);
        System.arraycopy(all, 0, ids, 0, length);
        ids[length - 1] = endId;
        return new ClipEncoding(ids, length, truncated);
    }

    /**
     * The text of {@code ids}: the byte mapping inverted, each {@code </w>} a space, start and end tokens skipped,
     * trailing space removed; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD. For words separated by
     * single spaces this gives back the cleaned text; elsewhere a space follows every pre-token ({@code "it's"} →
     * {@code "it 's"}).
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= tokens.length || tokens[id] == null) {
                throw new RetouchException("token id " + id + " is not in the vocabulary of " + source + " ("
                        + vocabSize() + " tokens)");
            }
            if (id == startId || id == endId) {
                continue;
            }
            String token = tokens[id];
            boolean wordEnd = token.endsWith(ByteSymbols.WORD_END);
            bytes.writeBytes(ByteSymbols.decode(wordEnd
                    ? token.substring(0, token.length() - ByteSymbols.WORD_END.length()) : token));
            if (wordEnd) {
                bytes.write(' ');
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.endsWith(" ") ? text.substring(0, text.length() - 1) : text;
    }

    /** The ids of one pre-token, from the cache when it has been seen. */
    private int[] wordIds(String preToken) {
        int[] cached = cache.get(preToken);
        if (cached != null) {
            return cached;
        }
        int[] result;
        if (preToken.equals(START_TOKEN) || preToken.equals(END_TOKEN)) {
            result = new int[]{ids.get(preToken)};
        } else {
            result = lookUp(segment(ByteSymbols.wordSymbols(preToken)), preToken);
        }
        if (cache.size() < CACHE_LIMIT) {
            cache.putIfAbsent(preToken, result);
        }
        return result;
    }

    /** Applies the lowest-ranked merge that occurs in {@code word} until none does. */
    List<String> segment(List<String> word) {
        while (word.size() > 1) {
            Merge best = null;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = ranks.get(new Merge(word.get(i), word.get(i + 1)));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = new Merge(word.get(i), word.get(i + 1));
                }
            }
            if (best == null) {
                break;
            }
            word = best.applyTo(word);
        }
        return word;
    }

    private int[] lookUp(List<String> symbols, String preToken) {
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(symbols.get(i));
            if (id == null) {
                throw new RetouchException("cannot tokenize '" + preToken + "': its symbol '" + symbols.get(i)
                        + "' is not in the vocabulary of " + source + "; a byte-level vocabulary holds all 256 byte "
                        + "symbols, with and without " + ByteSymbols.WORD_END);
            }
            out[i] = id;
        }
        return out;
    }

    /** The symbols of a word after BPE, for tests and tools: {@code "cats"} → e.g. {@code [cat, s</w>]}. */
    public List<String> bpe(String preToken) {
        return new ArrayList<>(segment(ByteSymbols.wordSymbols(preToken)));
    }
}
