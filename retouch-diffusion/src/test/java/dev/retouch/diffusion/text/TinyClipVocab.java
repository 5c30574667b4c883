package dev.retouch.diffusion.text;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written CLIP-layout vocabulary for tests: the 512 byte tokens, seven merges, the two special tokens.
 *
 * <p>Byte ids (CLIP's order, written out here independently of {@link ByteSymbols}): a printable byte b in
 * '!'..'~' has id b − 33 (so '!' 0, ',' 11, '0' 15, '2' 17, 'a' 64, 'c' 66, 'f' 69, 'h' 71, 'i' 72, 't' 83);
 * 0xA1..0xAC have 94 + (b − 0xA1); 0xAE..0xFF have 106 + (b − 0xAE); the non-printable bytes follow: 0x00..0x20 at
 * 188 + b, 0x7F..0xA0 at 221 + (b − 0x7F), 0xAD at 255. The same symbol with {@code </w>} is 256 higher.
 */
final class TinyClipVocab {
    static final int START = 522;
    static final int END = 523;

    /** Rank = line order; the merged token's id is 512 + rank. */
    static final String MERGES = """
            #version: 0.2
            i t</w>
            ' s</w>
            c a
            ca t</w>
            h e</w>
            t h
            t he</w>
            a b
            a b</w>
            ab ab</w>
            """;
    // ids: 512 it</w>, 513 's</w>, 514 ca, 515 cat</w>, 516 he</w>, 517 th, 518 the</w>, 519 ab, 520 ab</w>,
    // 521 abab</w>; then 522 <|startoftext|>, 523 <|endoftext|>.

    private TinyClipVocab() {
    }

    /** The merged tokens in id order from 512. */
    static final List<String> MERGED = List.of("it</w>", "'s</w>", "ca", "cat</w>", "he</w>", "th", "the</w>",
            "ab", "ab</w>", "abab</w>");

    static List<String> byteSymbols() {
        List<String> out = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            out.add(String.valueOf((char) b));
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            out.add(String.valueOf((char) b));
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            out.add(String.valueOf((char) b));
        }
        for (int n = 0; n < 68; n++) {
            out.add(String.valueOf((char) (0x100 + n)));
        }
        return out;
    }

    /** Writes vocab.json and merges.txt into {@code dir}; {@code leaveOut} tokens are not written. */
    static Path write(Path dir, String... leaveOut) {
        List<String> tokens = new ArrayList<>(byteSymbols());
        byteSymbols().forEach(s -> tokens.add(s + "</w>"));
        tokens.addAll(MERGED);
        tokens.add("<|startoftext|>");
        tokens.add("<|endoftext|>");
        JsonMapper json = new JsonMapper();
        ObjectNode vocab = json.createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            if (!List.of(leaveOut).contains(tokens.get(id))) {
                vocab.put(tokens.get(id), id);
            }
        }
        try {
            Files.writeString(dir.resolve("vocab.json"), json.writeValueAsString(vocab), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("merges.txt"), MERGES, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
