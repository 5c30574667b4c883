package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code retouch train tokenizer}: a CLIP byte-level BPE vocabulary learnt from the emoji captions. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Learn a CLIP byte-level BPE vocabulary (vocab.json, merges.txt, CLIP's layout) from the "
                + "captions of the TRAIN split of the Noto emoji set, one per image with skin-tone variants; report "
                + "the tokens per caption, start and end tokens included, on the TRAIN and TEST splits.",
        footer = {"", "Example:", "  bin/retouch train tokenizer --out runs/tokenizer --vocab-size 1024"})
final class TrainTokenizerCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--out", required = true, description = "Directory for vocab.json and merges.txt (created "
            + "if missing; existing files are replaced).")
    Path out;

    // 1024 (510 merges): mean 13.4 tokens per TRAIN caption, 14.4 per TEST one; every caption but one TRAIN
    // caption (33) fits in 32. 1536 fits all (max 25) but leaves ~260 tokens seen fewer than 5 times in TRAIN.
    @Option(names = "--vocab-size", defaultValue = "1024", description = "Tokens in the vocabulary: 512 byte "
            + "tokens, the merges and 2 special tokens (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    /** Tokens per caption over one split, start and end tokens included. */
    record Lengths(int captions, double mean, int max) {
        static Lengths of(ClipTokenizer tokenizer, List<String> captions) {
            int[] n = captions.stream().mapToInt(c -> tokenizer.encode(c).length).toArray();
            return new Lengths(n.length, java.util.Arrays.stream(n).average().orElse(0),
                    java.util.Arrays.stream(n).max().orElse(0));
        }
    }

    /** What the command prints with {@code --json}. */
    record Result(String out, int vocabSize, int merges, Lengths train, Lengths test) {
    }

    @Override
    public void run() {
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        EmojiDataset data = EmojiDataset.load();
        List<String> train = captions(data, Split.TRAIN);
        BpeVocabulary vocabulary = trainer.train(train);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new RetouchException("cannot create the output directory " + out + ": " + e.getMessage(), e);
        }
        vocabulary.write(out);
        ClipTokenizer tokenizer = ClipTokenizer.of(vocabulary);
        Result r = new Result(out.toString(), vocabulary.size(), vocabulary.merges().size(),
                Lengths.of(tokenizer, train), Lengths.of(tokenizer, captions(data, Split.TEST)));
        if (common.json) {
            System.out.print(Json.toJson(r));
            return;
        }
        if (r.vocabSize() < vocabSize) {
            System.err.printf(Locale.ROOT, "note: the captions ran out of pairs to merge at %d tokens%n",
                    r.vocabSize());
        }
        System.out.printf(Locale.ROOT, "vocabulary: %d tokens, %d merges, written to %s%n", r.vocabSize(),
                r.merges(), out);
        System.out.printf(Locale.ROOT, "tokens per caption (start and end included): train mean %.2f max %d "
                + "(%d captions), test mean %.2f max %d (%d captions)%n", r.train().mean(), r.train().max(),
                r.train().captions(), r.test().mean(), r.test().max(), r.test().captions());
    }

    private static List<String> captions(EmojiDataset data, Split split) {
        return data.images(split).stream().map(EmojiImage::caption).toList();
    }
}
