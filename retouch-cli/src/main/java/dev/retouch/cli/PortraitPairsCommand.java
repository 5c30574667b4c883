package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.portrait.PairGeneration;
import dev.retouch.edit.portrait.PortraitPairs;
import dev.retouch.edit.portrait.PortraitTask;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** {@code retouch data portrait-pairs}: paper 003's generated training pairs. */
@Command(name = "portrait-pairs", mixinStandardHelpOptions = true,
        description = "Generate before/after pairs for a portrait task (paper 003 §3.2, Eq. 2): each pair is one "
                + "denoising pass of a two-panel model over a double-width canvas, the shared prompt over the whole "
                + "canvas (weight 0.1) and the source and target captions masked to the left and right halves (0.9 "
                + "each), split into before (left) and after (right). Prompts come from train-split emojis only; "
                + "directions are drawn in turn. Pairs whose panels' emoji-clip image embeddings have cosine "
                + "similarity below --min-similarity are dropped (identity filter) and counted. Writes a pair "
                + "folder with portrait-pairs.json (task, settings, each pair's direction and target prompt), "
                + "preview.png (kept) and dropped.png.",
        footer = {"", "Examples:", "  bin/retouch data portrait-pairs --task man-woman --count 800 --out pairs/man-woman",
                "  bin/retouch data portrait-pairs --task expression --count 400 --min-similarity 0.8 --out pairs/expr"})
final class PortraitPairsCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--task", required = true, description = "man-woman or expression.")
    String task;

    @Option(names = "--count", required = true, description = "Pairs to generate (before the filter).")
    int count;

    @Option(names = "--out", required = true, description = "Pair folder to create (must not exist).")
    Path out;

    @Option(names = "--model", defaultValue = "emoji-ldm-panels", description = "The two-panel text-to-image model "
            + "(`train ldm --two-panel`; default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--min-similarity", description = "Identity filter: the least cosine similarity of the two "
            + "panels' emoji-clip image embeddings (default: 0.45 for man-woman, 0.25 for expression, between the "
            + "real same-identity pairs and random pairs that --calibrate reports; -1 keeps all).")
    Double minSimilarityOption;

    private double minSimilarity;

    @Option(names = "--calibrate", description = "Only print the identity filter's reference: emoji-clip similarity "
            + "of real same-identity pairs of the task (man-woman: train-split same-role, same-tone man/woman pairs; "
            + "expression: two train-split yellow faces) against random train-split pairs, and generate nothing.")
    boolean calibrate;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance scale of every branch "
            + "(default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--shared-weight", defaultValue = "0.1", description = "s'_d (default: ${DEFAULT-VALUE}).")
    double sharedWeight;

    @Option(names = "--side-weight", defaultValue = "0.9", description = "s'_a = s'_b (default: ${DEFAULT-VALUE}).")
    double sideWeight;

    @Option(names = "--steps", defaultValue = "20", description = "UniPC steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Canvases per UNet pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the prompt draws and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        common.apply();
        PortraitTask t = PortraitTask.parse(task);
        minSimilarity = minSimilarityOption != null ? minSimilarityOption
                : t.name().equals(PortraitTask.MAN_WOMAN_NAME) ? 0.45 : 0.25;
        CliSupport.requireRange("--count", count, 1, 100_000);
        CliSupport.requireRange("--min-similarity", minSimilarity, -1, 1);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--batch", batch, 1, 256);
        if (Files.exists(out)) {
            throw new RetouchException("output " + out + " already exists; portrait pairs go into a new directory");
        }
        CliSupport.checkModelOutput(out);
        PairGeneration.Settings settings = new PairGeneration.Settings(sharedWeight, sideWeight, guidance, steps,
                SamplerKind.UNIPC);
        LatentDiffusion ld = Models.store().latent(model);
        if (calibrate) {
            CliSupport.print(common, calibration(t, EmojiDataset.load(), ld, count, seed));
            return;
        }
        List<PortraitTask.PairPrompt> prompts = draw(t, EmojiDataset.load(), count, seed);
        long start = System.nanoTime();
        List<PairGeneration.GeneratedPair> pairs = PairGeneration.generate(ld, prompts, settings, batch,
                Tensors.generator(seed), Progress.stderr("portrait pairs", (count + batch - 1) / batch));
        double[] sim = similarities(ld, pairs);
        List<ImagePair> kept = new ArrayList<>();
        List<PortraitPairs.Entry> entries = new ArrayList<>();
        List<RgbImage> keptSheet = new ArrayList<>();
        List<RgbImage> droppedSheet = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PairGeneration.GeneratedPair p = pairs.get(i);
            RgbImage both = Images.grid(List.of(p.source(), p.target()), 2, 0);
            if (sim[i] >= minSimilarity) {
                String name = String.format(Locale.ROOT, "%05d", i);
                kept.add(new ImagePair(name, p.source(), p.target()));
                entries.add(new PortraitPairs.Entry(name, p.prompt().direction().name(), p.prompt().direction().target(),
                        p.prompt().source(), p.prompt().target(), sim[i]));
                keptSheet.add(both);
            } else {
                droppedSheet.add(both);
            }
        }
        if (kept.size() < 2) {
            throw new RetouchException("the identity filter kept " + kept.size() + " of " + pairs.size() + " pairs "
                    + "(--min-similarity " + minSimilarity + "); lower it or generate more");
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        dev.retouch.core.io.AtomicFiles.deleteTree(partial);
        PortraitPairs.write(partial, kept, new PortraitPairs.Manifest(t.name(), Models.resolve(model).toString(),
                settings, seed, minSimilarity, pairs.size(), entries));
        Images.writePng(partial.resolve("preview.png"), Images.grid(keptSheet.subList(0, Math.min(48,
                keptSheet.size())), 6, 2), Map.of());
        if (!droppedSheet.isEmpty()) {
            Images.writePng(partial.resolve("dropped.png"), Images.grid(droppedSheet.subList(0, Math.min(48,
                    droppedSheet.size())), 6, 2), Map.of());
        }
        try {
            Files.move(partial, out);
        } catch (IOException e) {
            throw new RetouchException("cannot move " + partial + " to " + out + ": " + e.getMessage(), e);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        res.put("task", t.name());
        res.put("generated", pairs.size());
        res.put("kept", kept.size());
        res.put("dropped", pairs.size() - kept.size());
        res.put("similarity_median", dev.retouch.eval.reconstruction.ReconstructionBenchmark.median(sim));
        res.put("seconds", CliSupport.seconds(start));
        CliSupport.print(common, res);
    }

    /** {@code count} prompts, the task's directions in turn, each a uniform draw among the direction's prompts. */
    static List<PortraitTask.PairPrompt> draw(PortraitTask t, EmojiDataset data, int count, long seed) {
        List<PortraitTask.PairPrompt> all = t.prompts(data);
        Map<String, List<PortraitTask.PairPrompt>> byDirection = new LinkedHashMap<>();
        for (PortraitTask.Direction d : t.directions()) {
            byDirection.put(d.name(), new ArrayList<>());
        }
        all.forEach(p -> byDirection.get(p.direction().name()).add(p));
        byDirection.values().removeIf(List::isEmpty);
        List<List<PortraitTask.PairPrompt>> groups = new ArrayList<>(byDirection.values());
        Random random = new Random(seed);
        List<PortraitTask.PairPrompt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<PortraitTask.PairPrompt> g = groups.get(i % groups.size());
            out.add(g.get(random.nextInt(g.size())));
        }
        return out;
    }

    /**
     * The filter's reference: similarity percentiles of up to {@code count} real same-identity pairs of train-split
     * images and of as many random train-split pairs (the right image drawn at random).
     */
    static Map<String, Object> calibration(PortraitTask t, EmojiDataset data, LatentDiffusion ld, int count, long seed) {
        Random random = new Random(seed);
        List<RgbImage[]> same = new ArrayList<>();
        if (t.name().equals(PortraitTask.MAN_WOMAN_NAME)) {
            for (PortraitTask.RealPair p : t.heldOut(data)) {
                if (p.seen()) {
                    same.add(new RgbImage[]{data.rgbImage(p.source()), data.rgbImage(p.target())});
                }
            }
        } else {
            var faces = PortraitTask.sourceFaces(data, dev.retouch.data.Split.TRAIN);
            for (int i = 0; i < count; i++) {
                same.add(new RgbImage[]{data.rgbImage(faces.get(random.nextInt(faces.size()))),
                        data.rgbImage(faces.get(random.nextInt(faces.size())))});
            }
        }
        java.util.Collections.shuffle(same, random);
        same = same.subList(0, Math.min(count, same.size()));
        var train = data.images(dev.retouch.data.Split.TRAIN);
        List<PairGeneration.GeneratedPair> a = new ArrayList<>();
        List<PairGeneration.GeneratedPair> b = new ArrayList<>();
        for (RgbImage[] p : same) {
            a.add(new PairGeneration.GeneratedPair(null, p[0], p[1]));
            b.add(new PairGeneration.GeneratedPair(null, p[0], data.rgbImage(train.get(random.nextInt(train.size())))));
        }
        double[] s = similarities(ld, a);
        double[] r = similarities(ld, b);
        java.util.Arrays.sort(s);
        java.util.Arrays.sort(r);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("task", t.name());
        out.put("same_identity_pairs", s.length);
        out.put("same_identity_p10", s[s.length / 10]);
        out.put("same_identity_median", s[s.length / 2]);
        out.put("random_pairs_median", r[r.length / 2]);
        out.put("random_pairs_p90", r[r.length * 9 / 10]);
        return out;
    }

    /** Cosine similarity of each pair's two panels in the base CLIP's image-embedding space. */
    static double[] similarities(LatentDiffusion ld, List<PairGeneration.GeneratedPair> pairs) {
        double[] out = new double[pairs.size()];
        for (int from = 0; from < pairs.size(); from += 64) {
            int n = Math.min(64, pairs.size() - from);
            try (PointerScope ignored = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                List<RgbImage> left = new ArrayList<>();
                List<RgbImage> right = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    left.add(pairs.get(from + i).source());
                    right.add(pairs.get(from + i).target());
                }
                Tensor a = ClipModel.normalize(ld.clip().imageEncoder().features(ImageTensors.toTensor(left)));
                Tensor b = ClipModel.normalize(ld.clip().imageEncoder().features(ImageTensors.toTensor(right)));
                float[] s = Tensors.toFloats(a.mul(b).sum(new long[]{1}, false,
                        new org.bytedeco.pytorch.ScalarTypeOptional()));
                for (int i = 0; i < n; i++) {
                    out[from + i] = s[i];
                }
            }
        }
        return out;
    }
}
