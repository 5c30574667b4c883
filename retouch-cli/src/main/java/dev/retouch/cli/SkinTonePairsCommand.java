package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.SkinTone;
import dev.retouch.data.emoji.SkinTonePairSets;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch data skin-tone-pairs}: a ready-made few-shot pair folder from the emoji skin tones. */
@Command(name = "skin-tone-pairs", mixinStandardHelpOptions = true,
        description = "Export default (yellow) → skin-tone emoji pairs of one split as a pair folder "
                + "(DIR/before/NAME.png, DIR/after/NAME.png, DIR/pairs.txt). Splits are by base emoji, so train and "
                + "test sets never share an emoji. With --limit the choice is deterministic: the split's pairs sorted "
                + "by file name, then LIMIT of them evenly spaced.",
        footer = {"", "Examples:", "  bin/retouch data skin-tone-pairs --tone 5 --split train --limit 20 --out pairs/dark-20",
                "  bin/retouch data skin-tone-pairs --tone 1F3FB --split test --out pairs/light-test"})
final class SkinTonePairsCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--tone", required = true, description = "1 (light) … 5 (dark), or a code such as 1F3FF.")
    String tone;

    @Option(names = "--split", defaultValue = "train", description = "train, validation or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Pairs to export, 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--out", required = true, description = "Pair folder to create (must not hold pairs yet).")
    Path out;

    @Override
    public void run() {
        common.apply();
        SkinTone t = SkinTonePairSets.tone(tone);
        Split s = split(split);
        if (limit < 0) {
            throw new CliSupport.UsageError("--limit must be >= 0 (0 = all), got " + limit);
        }
        List<ImagePair> pairs = SkinTonePairSets.select(EmojiDataset.load(), t, s, limit);
        PairFolder.write(out, pairs);
        PairFolder.writeNames(out.resolve("pairs.txt"), pairs);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.put("tone", t.code() + " (" + t.label() + ")");
        res.put("split", s.name().toLowerCase(Locale.ROOT));
        res.put("pairs", pairs.size());
        CliSupport.print(common, res);
    }

    static Split split(String name) {
        return Split.parse(name);
    }
}
