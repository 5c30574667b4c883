package dev.retouch.diffusion.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE vocabulary as CLIP and transformers store it: {@code vocab.json} (token → id) and
 * {@code merges.txt} (a {@code #version} header line, then one merge {@code "first second"} per line; a merge's
 * rank is its line order).
 *
 * @param ids    token → id; ids are non-negative and distinct
 * @param merges the merge rules, lowest rank first
 */
public record BpeVocabulary(Map<String, Integer> ids, List<Merge> merges) {
    public static final String VOCAB_FILE = "vocab.json";
    public static final String MERGES_FILE = "merges.txt";
    /** The header line this project writes (CLIP's files start with the same). */
    public static final String MERGES_HEADER = "#version: 0.2";

    public BpeVocabulary {
        ids = Map.copyOf(ids);
        merges = List.copyOf(merges);
        Map<Integer, String> seen = new HashMap<>();
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("token '" + e.getKey() + "' has the negative id " + e.getValue());
            }
            String other = seen.put(e.getValue(), e.getKey());
            if (other != null) {
                throw new IllegalArgumentException("id " + e.getValue() + " is given to two tokens, '" + other
                        + "' and '" + e.getKey() + "'; expected one token per id");
            }
        }
    }

    /** Number of tokens. */
    public int size() {
        return ids.size();
    }

    /** Reads {@code dir/vocab.json} and {@code dir/merges.txt}. */
    public static BpeVocabulary read(Path dir) {
        Path vocabFile = dir.resolve(VOCAB_FILE);
        Path mergesFile = dir.resolve(MERGES_FILE);
        Map<String, Integer> ids = readIds(vocabFile);
        List<Merge> merges = readMerges(mergesFile);
        try {
            return new BpeVocabulary(ids, merges);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(vocabFile + ": " + e.getMessage(), e);
        }
    }

    /** Merges OpenAI CLIP's vocabulary uses from its {@code bpe_simple_vocab_16e6.txt.gz} (the rest are unused). */
    public static final int OPENAI_CLIP_MERGES = 49152 - 256 - 2;

    /**
     * OpenAI CLIP's tokenizer from its released merges file ({@code bpe_simple_vocab_16e6.txt.gz}: a header line,
     * then one merge per line): the vocabulary is built as the original tokenizer builds it — the 256 byte symbols,
     * the same with {@code </w>}, the first {@link #OPENAI_CLIP_MERGES} merges joined, then
     * {@code <|startoftext|>} and {@code <|endoftext|>} (49,408 tokens, ids 49406 and 49407).
     */
    public static BpeVocabulary readOpenAiMerges(Path gz) {
        try (var in = Files.newInputStream(gz)) {
            return readOpenAiMerges(in, gz.toString());
        } catch (NoSuchFileException e) {
            throw new RetouchException("missing " + gz + " (OpenAI CLIP's bpe_simple_vocab_16e6.txt.gz)");
        } catch (IOException e) {
            throw new RetouchException("cannot read " + gz + ": " + e.getMessage(), e);
        }
    }

    /**
     * OpenAI CLIP's tokenizer as bundled with this library (its released merges file; the tokenizer of Stable
     * Diffusion 1.x's text encoder, which single-file checkpoints do not carry).
     */
    public static BpeVocabulary openAiClip() {
        String name = "bpe_simple_vocab_16e6.txt.gz";
        try (var in = BpeVocabulary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new RetouchException("the bundled " + name + " is missing from the class path");
            }
            return readOpenAiMerges(in, name);
        } catch (IOException e) {
            throw new RetouchException("cannot read the bundled " + name + ": " + e.getMessage(), e);
        }
    }

    private static BpeVocabulary readOpenAiMerges(java.io.InputStream raw, String gz) throws IOException {
        String text;
        try (var in = new java.util.zip.GZIPInputStream(raw)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.util.zip.ZipException e) {
            throw new RetouchException(gz + " is not a gzip file: " + e.getMessage(), e);
        }
        String[] lines = text.split("\n", -1);
        if (lines.length < OPENAI_CLIP_MERGES + 1) {
            throw new RetouchException(gz + " has " + (lines.length - 1) + " merge lines; OpenAI CLIP's file has "
                    + "at least " + OPENAI_CLIP_MERGES);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String symbol : ByteSymbols.VOCAB_ORDER) {
            ids.put(symbol, ids.size());
        }
        for (String symbol : ByteSymbols.VOCAB_ORDER) {
            ids.put(symbol + ByteSymbols.WORD_END, ids.size());
        }
        List<Merge> merges = new ArrayList<>(OPENAI_CLIP_MERGES);
        for (int i = 1; i <= OPENAI_CLIP_MERGES; i++) {
            String[] pair = lines[i].split(" ", -1);
            if (pair.length != 2) {
                throw new RetouchException(gz + " line " + (i + 1) + ": expected two symbols separated by one space, "
                        + "found '" + abbreviate(lines[i]) + "'");
            }
            Merge m = new Merge(pair[0], pair[1]);
            merges.add(m);
            ids.put(pair[0] + pair[1], ids.size());
        }
        ids.put(ClipTokenizer.START_TOKEN, ids.size());
        ids.put(ClipTokenizer.END_TOKEN, ids.size());
        try {
            return new BpeVocabulary(ids, merges);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(gz + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code dir/vocab.json} (ordered by id) and {@code dir/merges.txt} (with {@link #MERGES_HEADER}), each
     * atomically; {@code dir} must exist.
     */
    public void write(Path dir) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ids.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .forEach(e -> json.put(e.getKey(), e.getValue()));
        StringBuilder lines = new StringBuilder(MERGES_HEADER).append('\n');
        merges.forEach(m -> lines.append(m).append('\n'));
        AtomicFiles.writeString(dir.resolve(MERGES_FILE), lines.toString());
        AtomicFiles.writeString(dir.resolve(VOCAB_FILE), Json.toJson(json));
    }

    private static Map<String, Integer> readIds(Path file) {
        JsonNode root = Json.fromJson(readText(file), JsonNode.class, file.toString());
        if (!root.isObject()) {
            throw new RetouchException(file + " must be a JSON object of token → id, found a JSON "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        Map<String, Integer> ids = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isInt()) {
                throw new RetouchException(file + ": the id of token '" + e.getKey()
                        + "' must be an integer, found " + e.getValue());
            }
            ids.put(e.getKey(), e.getValue().intValue());
        }
        return ids;
    }

    private static List<Merge> readMerges(Path file) {
        String[] lines = readText(file).split("\r?\n", -1);
        if (!lines[0].startsWith("#version")) {
            throw new RetouchException(file + " line 1: expected a '#version' header line, found '"
                    + abbreviate(lines[0]) + "'");
        }
        int last = lines.length - 1;
        while (last > 0 && lines[last].isEmpty()) {
            last--;
        }
        List<Merge> merges = new ArrayList<>(last);
        for (int i = 1; i <= last; i++) {
            String[] pair = lines[i].split(" ", -1);
            if (pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty()) {
                throw new RetouchException(file + " line " + (i + 1) + ": expected two symbols separated by one "
                        + "space, found '" + abbreviate(lines[i]) + "'");
            }
            merges.add(new Merge(pair[0], pair[1]));
        }
        return merges;
    }

    private static String readText(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new RetouchException("missing " + file + ": a BPE tokenizer directory holds " + VOCAB_FILE
                    + " and " + MERGES_FILE);
        } catch (CharacterCodingException e) {
            throw new RetouchException(file + " is not valid UTF-8 text");
        } catch (IOException e) {
            throw new RetouchException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 60) + "…";
    }
}
