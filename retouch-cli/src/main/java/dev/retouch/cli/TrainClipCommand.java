package dev.retouch.cli;

import dev.retouch.core.io.Json;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.clip.ClipRetrieval;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import dev.retouch.diffusion.train.ClipTask;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train clip}: emoji-clip, contrastive on (emoji image, caption) pairs. */
@Command(name = "clip", mixinStandardHelpOptions = true,
        description = "Learn a byte-level BPE vocabulary from the train-split emoji captions, then train CLIP text and "
                + "vision transformers contrastively on (image, caption) pairs of the train split, and report "
                + "zero-shot image→caption retrieval on the test split. Checkpoints go to --out; the final model "
                + "(with vocab.json and merges.txt) to --out/model.",
        footer = {"", "Example:", "  bin/retouch train clip --steps 3000 --out runs/clip",
                "  bin/retouch train clip --steps 3000 --out runs/clip --resume   # continue after an interruption"})
final class TrainClipCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Option(names = "--steps", defaultValue = "3000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "128", description = "Pairs per contrastive batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--vocab-size", defaultValue = "1536", description = "BPE vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--context", defaultValue = "32", description = "Text context in tokens (default: ${DEFAULT-VALUE}).")
    int context;

    @Override
    public void run() {
        common.apply();
        run.checkFresh();
        EmojiDataset dataset = EmojiDataset.load();
        List<String> trainCaptions = dataset.captions(Split.TRAIN);
        BpeVocabulary vocabulary = new BpeTrainer(vocabSize).train(trainCaptions);
        int end = vocabulary.ids().get(ClipTokenizer.END_TOKEN);
        ClipConfig config = ClipConfig.emoji(vocabulary.size(), context, end);
        Clip clip = new Clip(ClipModel.create(config, run.seed), vocabulary);
        Clip.Tokens tokens = clip.tokenize(trainCaptions);
        Tensor images = EmojiData.tensor(dataset, config.vision().imageSize(), Split.TRAIN);
        System.err.printf(Locale.ROOT, "training %,d parameters on %d (image, caption) pairs; %d tokens, context %d"
                        + " (%d captions truncated)%n", clip.model().parameterCount(), images.size(0), vocabulary.size(),
                context, count(tokens.truncated()));
        TrainConfig tc = new TrainConfig(steps, batch, lr, 200, 0.1, 1.0, 0.999, run.checkpointEvery, run.seed);
        Trainer trainer = new Trainer(new ClipTask(clip.model(), images, tokens.ids()), tc, run.out);
        Trainer.Result r = run.run(trainer, "train clip", steps);
        clip.model().loadStateDict(trainer.finalWeights(), true);
        clip.model().eval();
        List<String> testCaptions = dataset.captions(Split.TEST);
        ClipRetrieval.Result test = ClipRetrieval.evaluate(clip.model(), EmojiData.tensor(dataset, 64, Split.TEST),
                testCaptions, clip.tokenize(testCaptions).ids(), 128);
        clip.save(run.modelDir(), trainer.finalWeights(), modelCard(clip, images.size(0), tc, r,
                trainer.seconds(), test));
        String result = Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(), "seconds", r.seconds(),
                "test_top1", test.top1(), "test_top5", test.top5(), "model", run.modelDir().toString()));
        System.out.println(common.json ? result : String.format(Locale.ROOT,
                "model written to %s (test image→caption top-1 %.3f, top-5 %.3f among %d captions)",
                run.modelDir(), test.top1(), test.top5(), test.captions()));
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private String modelCard(Clip clip, long pairs, TrainConfig tc, Trainer.Result r, double seconds,
                             ClipRetrieval.Result test) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        ClipConfig c = clip.model().config();
        return String.format(Locale.ROOT, """
                # emoji-clip (trained by `retouch train clip`)

                CLIP text and vision transformers (transformers' `CLIPModel` layout), %,d parameters: text width %d,
                %d layers, %d heads, context %d, byte-level BPE vocabulary of %d tokens learnt from the train-split
                captions (`vocab.json`, `merges.txt`); vision %d×%d images in %d×%d patches, width %d, %d layers;
                shared projection %d. Trained contrastively (symmetric InfoNCE, learned temperature) on the %d
                train-split (image, caption) pairs, images composited on white in [−1, 1]. Weights: EMA (decay
                %.4f), stored as fp16.

                """, clip.model().parameterCount(), c.text().width(), c.text().layers(), c.text().heads(),
                c.text().maxPositions(), c.text().vocabSize(), c.vision().imageSize(), c.vision().imageSize(),
                c.vision().patchSize(), c.vision().patchSize(), c.vision().width(), c.vision().layers(),
                c.projectionDim(), pairs, tc.emaDecay())
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train clip --steps %d --batch %d --lr %s "
                        + "--vocab-size %d --context %d --seed %d --checkpoint-every %d --out %s", r.steps(),
                tc.batchSize(), lr, vocabSize, context, run.seed, run.checkpointEvery, run.out))
                + "\n" + TrainingCard.run(r, tc, seconds, loss) + String.format(Locale.ROOT, """

                Zero-shot image→caption retrieval on the %d test-split images (emojis never seen in training) among
                their %d distinct captions: top-1 %.3f, top-5 %.3f (chance: %.4f and %.4f).

                """, test.n(), test.captions(), test.top1(), test.top5(), 1.0 / test.captions(), 5.0 / test.captions())
                + TrainingCard.lossCurve("contrastive loss", loss);
    }
}
