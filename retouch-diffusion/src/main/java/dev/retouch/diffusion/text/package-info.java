/**
 * CLIP's text tokenizer: byte-level BPE over {@code vocab.json} + {@code merges.txt}, and a trainer that learns such
 * a vocabulary from captions.
 *
 * <p>{@link dev.retouch.diffusion.text.ClipTokenizer} reads the files of OpenAI CLIP / transformers'
 * {@code CLIPTokenizer} (e.g. Stable Diffusion's {@code tokenizer/}) and follows OpenAI's {@code SimpleTokenizer}
 * step by step: clean the text, split it with CLIP's pre-tokenizer regular expression (contractions, letter runs,
 * single digits, other non-space runs), map each pre-token's UTF-8 bytes through {@code bytes_to_unicode}, put
 * {@code </w>} on its last symbol, apply the lowest-ranked merge until none applies, look the symbols up, and wrap
 * the ids in {@code <|startoftext|>} … {@code <|endoftext|>}. Fixed-length encoding truncates as CLIP's
 * {@code truncate=True} (the end token stays last) and pads with the end token (as the SD 1.x tokenizer) unless
 * another pad id is chosen. {@link dev.retouch.diffusion.text.BpeTrainer} learns merges by pair frequency with the
 * same cleaning and pre-tokenizer and lays the vocabulary out as CLIP's: 256 byte symbols, the same 256 with
 * {@code </w>}, one token per merge, then the two special tokens.
 *
 * <p>Checked against open_clip 3.3.0's copy of OpenAI's {@code SimpleTokenizer} (with ftfy 6.3.1) on CLIP's own
 * 49,408-token vocabulary: the same ids for all 3,786 emoji captions and a set of hand-picked prompts (digits,
 * contractions, entities, accents, emoji, CJK, Greek, Cyrillic, ligatures, full-width letters, curly quotes), and
 * CLIP's constructor builds exactly the trainer's {@code vocab.json} from the trainer's {@code merges.txt}.
 *
 * <p>Deviations from CLIP:
 * <ul>
 *   <li>CLIP runs {@code ftfy.fix_text} first. We apply the part of it that needs no mojibake tables: Latin
 *       ligatures, full- and half-width forms, curly quotes to straight ones ({@code it’s} → {@code it's}), NFC.
 *       Not: mojibake repair ({@code cafÃ©} stays as it is), ftfy's own repeated HTML unescaping, C1 and other
 *       control characters, line breaks. Prompts with those can tokenize differently from CLIP.</li>
 *   <li>HTML unescaping knows numeric references exactly as Python's {@code html.unescape}, but only a common
 *       subset of the named ones ({@code &amp;amp; &amp;lt; &amp;gt; &amp;quot; &amp;apos; &amp;nbsp;}, typographic
 *       marks, a few accented letters); other names are left as written.</li>
 *   <li>White space is Unicode {@code White_Space} (Java's {@code \s} with {@code UNICODE_CHARACTER_CLASS});
 *       Python's {@code str.split} also counts U+001C–U+001F.</li>
 *   <li>{@code decode} skips the start and end tokens and drops the trailing space (CLIP keeps both).</li>
 *   <li>The files: merges are read in full (CLIP cuts its list at 48,894), every merged symbol must be in
 *       {@code vocab.json}, and the first line of {@code merges.txt} must be a {@code #version} header.</li>
 * </ul>
 */
package dev.retouch.diffusion.text;
