package dev.retouch.diffusion.text;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references, resolved as Python's {@code html.unescape} does (CLIP runs it twice on every
 * prompt): decimal and hexadecimal references with or without {@code ;} (0 and surrogates become U+FFFD, 0x80–0x9F
 * are read as windows-1252, non-characters and C0/C1 controls vanish), and named references, where the names that
 * HTML allows without {@code ;} also match as the longest prefix of a longer name ({@code &ampx} → {@code &x}).
 * Deviation: only a common subset of HTML5's 2,231 names is known; other names are left as they are.
 */
final class HtmlEntities {
    private static final Pattern REFERENCE =
            Pattern.compile("&(?:#([0-9]+);?|#[xX]([0-9a-fA-F]+);?|([^\\t\\n\\f <&#;]{1,32};?))");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(Character.MAX_CODE_POINT);

    /** Names that also match without a trailing semicolon (HTML's legacy references). */
    private static final Set<String> LEGACY = Set.of("amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp",
            "copy", "COPY", "reg", "REG", "deg", "plusmn", "times", "divide", "middot", "para", "sect", "laquo",
            "raquo", "cent", "pound", "yen", "eacute", "egrave", "agrave", "ccedil", "uuml", "ouml", "auml");

    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("AMP", "&"), Map.entry("lt", "<"), Map.entry("LT", "<"),
            Map.entry("gt", ">"), Map.entry("GT", ">"), Map.entry("quot", "\""), Map.entry("QUOT", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"),
            Map.entry("COPY", "\u00a9"), Map.entry("reg", "\u00ae"), Map.entry("REG", "\u00ae"),
            Map.entry("deg", "\u00b0"), Map.entry("plusmn", "\u00b1"), Map.entry("times", "\u00d7"),
            Map.entry("divide", "\u00f7"), Map.entry("middot", "\u00b7"), Map.entry("para", "\u00b6"),
            Map.entry("sect", "\u00a7"), Map.entry("laquo", "\u00ab"), Map.entry("raquo", "\u00bb"),
            Map.entry("cent", "\u00a2"), Map.entry("pound", "\u00a3"), Map.entry("yen", "\u00a5"),
            Map.entry("eacute", "\u00e9"), Map.entry("egrave", "\u00e8"), Map.entry("agrave", "\u00e0"),
            Map.entry("ccedil", "\u00e7"), Map.entry("uuml", "\u00fc"), Map.entry("ouml", "\u00f6"),
            Map.entry("auml", "\u00e4"), Map.entry("euro", "\u20ac"), Map.entry("hellip", "\u2026"),
            Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"),
            Map.entry("bull", "\u2022"), Map.entry("trade", "\u2122"), Map.entry("hearts", "\u2665"));

    private HtmlEntities() {
    }

    /** {@code text} with its character references resolved (one pass, like {@code html.unescape}). */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(resolve(r)));
    }

    private static String resolve(MatchResult r) {
        if (r.group(1) != null) {
            return numeric(new BigInteger(r.group(1), 10));
        }
        if (r.group(2) != null) {
            return numeric(new BigInteger(r.group(2), 16));
        }
        return named(r.group(3));
    }

    private static String numeric(BigInteger value) {
        if (value.compareTo(MAX_CODE_POINT) > 0) {
            return "\ufffd";
        }
        int cp = value.intValue();
        if (cp == 0 || cp >= 0xD800 && cp <= 0xDFFF) {
            return "\ufffd";
        }
        if (cp == 0x0D) {
            return "\r";
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            String c = WINDOWS_1252.decode(ByteBuffer.wrap(new byte[]{(byte) cp})).toString();
            return c.equals("\ufffd") ? String.valueOf((char) cp) : c;
        }
        return isDropped(cp) ? "" : Character.toString(cp);
    }

    /** Controls (other than tab, line feed, form feed, carriage return) and non-characters resolve to nothing. */
    private static boolean isDropped(int cp) {
        return cp >= 0x01 && cp <= 0x08 || cp == 0x0B || cp >= 0x0E && cp <= 0x1F || cp == 0x7F
                || cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;
    }

    /** {@code s} is the name with its {@code ;} if the text had one. */
    private static String named(String s) {
        if (s.endsWith(";") && NAMED.containsKey(s.substring(0, s.length() - 1))) {
            return NAMED.get(s.substring(0, s.length() - 1));
        }
        if (LEGACY.contains(s)) {
            return NAMED.get(s);
        }
        for (int x = s.length() - 1; x > 1; x--) {
            if (LEGACY.contains(s.substring(0, x))) {
                return NAMED.get(s.substring(0, x)) + s.substring(x);
            }
        }
        return "&" + s;
    }
}
