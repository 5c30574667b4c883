package dev.retouch.diffusion.text;

import dev.retouch.core.RetouchException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CLIP's reversible map from bytes to printable characters (GPT-2's {@code bytes_to_unicode}), so that BPE works
 * on strings without whitespace or control characters. The 188 printable bytes ({@code '!'..'~'},
 * {@code '¡'..'¬'}, {@code '®'..'ÿ'}) stand for themselves; the other 68 bytes, in increasing order, become
 * U+0100, U+0101, … (byte 0 is {@code 'Ā'}, the space 0x20 is {@code 'Ġ'}).
 */
final class ByteSymbols {
    /** The suffix of the last symbol of a word. */
    static final String WORD_END = "</w>";

    /** The 256 symbols in CLIP's vocabulary order: the printable bytes in increasing order, then the others. */
    static final List<String> VOCAB_ORDER;

    private static final char[] SYMBOL = new char[256];
    private static final int[] BYTE = new int[512];

    static {
        List<String> printable = new ArrayList<>();
        List<String> others = new ArrayList<>();
        java.util.Arrays.fill(BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            char c = isPrintable(b) ? (char) b : (char) next++;
            SYMBOL[b] = c;
            BYTE[c] = b;
            (isPrintable(b) ? printable : others).add(String.valueOf(c));
        }
        printable.addAll(others);
        VOCAB_ORDER = Collections.unmodifiableList(printable);
    }

    private ByteSymbols() {
    }

    /** True for the bytes that CLIP keeps as their own Latin-1 character. */
    static boolean isPrintable(int b) {
        return b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
    }

    /** The symbol string of a word's UTF-8 bytes, one character per byte. */
    static String encode(String word) {
        return encode(word.getBytes(StandardCharsets.UTF_8));
    }

    /** The symbol string of {@code bytes}, one character per byte. */
    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = SYMBOL[bytes[i] & 0xff];
        }
        return new String(out);
    }

    /**
     * The initial BPE symbols of a pre-token: one per UTF-8 byte, the last one with {@link #WORD_END} appended,
     * e.g. {@code "cat"} → {@code [c, a, t</w>]}.
     */
    static List<String> wordSymbols(String preToken) {
        String symbols = encode(preToken);
        List<String> word = new ArrayList<>(symbols.length());
        for (int i = 0; i < symbols.length(); i++) {
            word.add(String.valueOf(symbols.charAt(i)));
        }
        word.set(word.size() - 1, word.get(word.size() - 1) + WORD_END);
        return word;
    }

    /** The bytes that a token's symbols (without any {@link #WORD_END}) stand for. */
    static byte[] decode(String symbols) {
        byte[] out = new byte[symbols.length()];
        for (int i = 0; i < symbols.length(); i++) {
            char c = symbols.charAt(i);
            if (c >= BYTE.length || BYTE[c] < 0) {
                throw new RetouchException("token '" + symbols + "' holds '" + c + "' (U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                        + "), which is not one of CLIP's 256 byte symbols");
            }
            out[i] = (byte) BYTE[c];
        }
        return out;
    }
}
