package dev.retouch.diffusion.text;

import java.text.Normalizer;

/**
 * The part of {@code ftfy.fix_text} (which CLIP runs on every prompt) that needs no tables of mojibake: Latin
 * ligatures taken apart ({@code ﬁ} → {@code fi}, {@code ĳ} → {@code ij}), full-width and half-width forms to
 * their usual width ({@code ＡＢＣ} → {@code ABC}, U+3000 → space), curly quotes straightened ({@code ’} and
 * {@code ‘ ‚ ‛ ʼ} → {@code '}, {@code “ ” „ ‟} → {@code "}), then Unicode NFC.
 */
final class TextFixes {
    private TextFixes() {
    }

    static String fix(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.append(fix(cp)));
        return Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    private static String fix(int cp) {
        if (cp == 0x02BC || cp >= 0x2018 && cp <= 0x201B) {
            return "'";
        }
        if (cp >= 0x201C && cp <= 0x201F) {
            return "\"";
        }
        if (cp == 0x3000) {
            return " ";
        }
        if (cp == 0xFB05) { // ﬅ: ftfy keeps the long s, where NFKC would turn it into s
            return "\u017Ft";
        }
        if (isLatinLigature(cp) || cp >= 0xFF01 && cp <= 0xFFEF) {
            return Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
        }
        return Character.toString(cp);
    }

    /** IJ, ŉ, the DŽ/LJ/NJ/DZ digraphs and the Latin typographic ligatures ﬀ–ﬆ. */
    private static boolean isLatinLigature(int cp) {
        return cp == 0x0132 || cp == 0x0133 || cp == 0x0149 || cp >= 0x01C4 && cp <= 0x01CC
                || cp >= 0x01F1 && cp <= 0x01F3 || cp >= 0xFB00 && cp <= 0xFB06;
    }
}
