package dev.retouch.diffusion.text;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cleaning, pre-tokenizing, HTML references and the byte symbols. */
class ClipTextTest {

    @Test
    void cleaningUnescapesTwiceCollapsesWhiteSpaceAndLowerCases() {
        assertEquals("a cat & dog", ClipText.clean("  A  Cat &amp;amp; DOG\n"));
        assertEquals("a b c", ClipText.clean("a\t\tb\u00a0\u3000c"));
        assertEquals("", ClipText.clean(" \n\t "));
        assertEquals("x", ClipText.clean("&nbsp;X&nbsp;"));
        assertEquals("café", ClipText.clean("Cafe\u0301"));
    }

    @Test
    void ftfysTableFreeFixesApply() {
        assertEquals("it's \"so\" 'x'", ClipText.clean("it’s “so” ‘x‛"));
        assertEquals("fluffiest ij dž", ClipText.clean("ﬂuﬃest ĳ ǆ"));
        assertEquals("\u017Ft", ClipText.clean("ﬅ"));
        // half-width katakana ｱ (U+FF71) becomes ア (U+30A2)
        assertEquals("full width \u30A2", ClipText.clean("ＦＵＬＬ\u3000ｗｉｄｔｈ \uFF71"));
    }

    @Test
    void htmlReferencesResolveAsPythonsUnescape() {
        assertEquals("'s", HtmlEntities.unescape("&#39;s"));
        assertEquals("😀", HtmlEntities.unescape("&#x1F600;"));
        assertEquals("😀x", HtmlEntities.unescape("&#128512x"));
        assertEquals("€", HtmlEntities.unescape("&#128;"));
        assertEquals("\u0081", HtmlEntities.unescape("&#129;"));
        assertEquals("\ufffd\ufffd\ufffd", HtmlEntities.unescape("&#0;&#xD800;&#99999999999;"));
        assertEquals("ab", HtmlEntities.unescape("a&#1;b&#xFFFF;"));
        assertEquals("&x & <", HtmlEntities.unescape("&ampx &amp &lt"));
        assertEquals("&unknown; &mdash", HtmlEntities.unescape("&unknown; &mdash"));
        assertEquals("— ’", HtmlEntities.unescape("&mdash; &rsquo;"));
        assertEquals("&amp;", HtmlEntities.unescape("&amp;amp;"));
    }

    @Test
    void preTokensFollowClipsExpression() {
        assertEquals(List.of("it", "'s", "2", "0", "2", "4", "!"), ClipText.preTokenize("it's 2024!"));
        assertEquals(List.of("don", "'t", "we", "'re", "i", "'m", "'ll", "'d", "'ve"),
                ClipText.preTokenize("don't we're i'm 'll 'd 've"));
        assertEquals(List.of("abc", "1", "2", "def", "...", "x"), ClipText.preTokenize("abc12def...x"));
        assertEquals(List.of("face", "-", "smiling", ",", "😀😀", "猫猫", "<|endoftext|>"),
                ClipText.preTokenize("face-smiling, 😀😀 猫猫<|endoftext|>"));
        assertEquals(List.of("'", "hello"), ClipText.preTokenize("'hello"));
        assertEquals(List.of("²", "½"), ClipText.preTokenize("²½"));
    }

    @Test
    void byteSymbolsAreClipsTable() {
        // TinyClipVocab writes CLIP's order out by hand: printable bytes as themselves, then U+0100 + n.
        assertEquals(TinyClipVocab.byteSymbols(), ByteSymbols.VOCAB_ORDER);
        assertEquals("\u0100", ByteSymbols.encode(new byte[]{0}));
        assertEquals("Ġ", ByteSymbols.encode(" ")); // byte 32 is the 33rd non-printable byte
        assertEquals("Ã©", ByteSymbols.encode("é"));
        // F0 → ð (printable); 9F → U+0100 + 65 = Ł; 98 → U+0100 + 58 = ĺ; 80 → U+0100 + 34 = Ģ
        assertEquals(List.of("ð", "Ł", "ĺ", "Ģ</w>"), ByteSymbols.wordSymbols("😀"));
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        String symbols = ByteSymbols.encode(all);
        assertEquals(256, symbols.chars().distinct().count());
        assertArrayEquals(all, ByteSymbols.decode(symbols));
    }
}
