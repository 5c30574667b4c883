package dev.retouch.diffusion.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text cleaning and pre-tokenizer, shared by {@link ClipTokenizer} and {@link BpeTrainer}.
 *
 * <p>Cleaning: the table-free part of {@code ftfy.fix_text} (ligatures, character width, curly quotes, NFC; see
 * {@link TextFixes}), HTML unescape twice, every run of white space to one space, strip, lower case. Pre-tokens:
 * {@code <|startoftext|>}, {@code <|endoftext|>}, the contractions {@code 's 't 're 've 'm 'll 'd}, runs of letters,
 * single digits, and runs of anything that is not white space, a letter or a digit; white space between them is
 * dropped.
 */
final class ClipText {
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

    private ClipText() {
    }

    /** The cleaned prompt, e.g. {@code "  A  Cat &amp;amp; DOG\n"} → {@code "a cat & dog"}. */
    public static String clean(String text) {
        String s = TextFixes.fix(text);
        s = HtmlEntities.unescape(HtmlEntities.unescape(s));
        s = WHITE_SPACE.matcher(s).replaceAll(" ");
        int from = s.startsWith(" ") ? 1 : 0;
        int to = s.length() > from && s.endsWith(" ") ? s.length() - 1 : s.length();
        return s.substring(from, to).toLowerCase(Locale.ROOT);
    }

    /** The pre-tokens of a cleaned text, e.g. {@code "it's 2024!"} → {@code [it, 's, 2, 0, 2, 4, !]}. */
    public static List<String> preTokenize(String cleaned) {
        List<String> tokens = new ArrayList<>();
        Matcher m = PRE_TOKEN.matcher(cleaned);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }
}
