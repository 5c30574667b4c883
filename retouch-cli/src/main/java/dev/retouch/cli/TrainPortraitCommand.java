package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.train.TrainingCard;
import dev.retouch.edit.portrait.Mcdm;
import dev.retouch.edit.portrait.PortraitConfig;
import dev.retouch.edit.portrait.PortraitModel;
import dev.retouch.edit.portrait.PortraitPairs;
import dev.retouch.edit.portrait.PortraitTask;
import dev.retouch.edit.portrait.PortraitTrainTask;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code retouch train portrait}: paper 003's multi-conditioned diffusion model on generated pairs. */
@Command(name = "portrait", mixinStandardHelpOptions = true,
        description = "Train a portrait model (paper 003's multi-conditioned diffusion model) on a folder of "
                + "generated pairs (`data portrait-pairs`): the base latent model's UNet with conv_in widened for "
                + "the source latent (new channels zero), image tokens from an adapter over [source latent, "
                + "emoji-clip image tokens] appended to the text tokens of the target prompt; 5 %% reconstruction "
                + "samples (target = source, prompt = the task's source prompt) and 20 %% of samples with a random "
                + "non-empty set of the three conditions dropped. --variant trains the paper's ablations.",
        footer = {"", "Examples:", "  bin/retouch train portrait --pairs pairs/man-woman --steps 3000 --out runs/portrait-mw",
                "  bin/retouch train portrait --pairs pairs/man-woman --out runs/portrait-mw --resume",
                "  bin/retouch train portrait --pairs pairs/man-woman --variant no-spatial --out runs/portrait-mw-nospt"})
final class TrainPortraitCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    TrainRun run;

    @Option(names = "--pairs", required = true, description = "Pair folder written by `data portrait-pairs`.")
    Path pairs;

    @Option(names = "--base", defaultValue = "emoji-ldm", description = "Latent model to start from (default: "
            + "${DEFAULT-VALUE}); its autoencoder, text encoder and schedule are the portrait model's.")
    String base;

    @Option(names = "--variant", defaultValue = "full", description = "full, no-spatial, no-image-embeddings or "
            + "no-pretraining (default: ${DEFAULT-VALUE}).")
    String variant;

    @Option(names = "--steps", defaultValue = "3000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public void run() {
        common.apply();
        PortraitConfig.Variant v = PortraitConfig.Variant.parse(variant);
        CliSupport.requireRange("--steps", steps, 1, 10_000_000);
        CliSupport.requireRange("--batch", batch, 1, 4096);
        CliSupport.requireRange("--lr", lr, 1e-9, 1);
        CliSupport.requireRange("--warmup", warmup, 0, Integer.MAX_VALUE);
        run.checkFresh();
        PortraitTask[] task = new PortraitTask[1];
        List<PortraitPairs.Example> examples = PortraitPairs.read(pairs, task);
        Path baseDir = Models.resolve(base);
        LatentDiffusion ld = Models.store().latent(base);
        int size = ld.imageSize();
        RgbImage first = examples.get(0).pair().before();
        if (first.width() != size || first.height() != size) {
            throw new RetouchException("pair folder " + pairs + " holds " + first.width() + "x" + first.height()
                    + " images, but the base model " + baseDir + " works at " + size + "x" + size);
        }
        PortraitTrainTask.Data data = data(ld, examples, task[0]);
        int clipTokens = PortraitModel.clipTokens(ld);
        Mcdm mcdm = Mcdm.create(v.pretrained() ? ld.unet() : null, ld.unet().config(), ld.model().latentSize(),
                clipTokens, Tensors.generator(run.seed));
        TrainConfig tc = new TrainConfig(steps, batch, lr, warmup, 0.0, 1.0, 0.999, run.checkpointEvery, run.seed);
        System.err.printf(Locale.ROOT, "training %,d parameters (%s) on %d pairs of task %s%n", mcdm.parameterCount(),
                v.id(), data.size(), task[0].name());
        Trainer trainer = new Trainer(new PortraitTrainTask(mcdm, ld.schedule(), data, v), tc, run.out);
        Trainer.Result r = run.run(trainer, "train portrait", steps);
        Path modelDir = run.modelDir();
        PortraitConfig config = new PortraitConfig(PortraitConfig.TYPE, PortraitConfig.FORMAT_VERSION,
                TrainLdmCommand.relative(modelDir, baseDir), task[0].name(), task[0].sourcePrompt(), task[0].targets(),
                mcdm.unet().config(), clipTokens, v, r.steps());
        PortraitModel.save(modelDir, config, trainer.finalWeights(), card(config, data.size(), tc, r, trainer));
        System.out.println(common.json ? Json.toJson(Map.of("steps", r.steps(), "loss", r.recentLoss(),
                "model", modelDir.toString())) : "model written to " + modelDir);
    }

    /** Latents, CLIP tokens and prompt states of the pairs, computed once in batches. */
    static PortraitTrainTask.Data data(LatentDiffusion ld, List<PortraitPairs.Example> examples, PortraitTask task) {
        int n = examples.size();
        List<Tensor> src = new ArrayList<>();
        List<Tensor> tgt = new ArrayList<>();
        List<Tensor> tok = new ArrayList<>();
        List<Tensor> txt = new ArrayList<>();
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (int from = 0; from < n; from += 64) {
                List<PortraitPairs.Example> part = examples.subList(from, Math.min(n, from + 64));
                try (PointerScope scope = new PointerScope()) {
                    Tensor before = ImageTensors.toTensor(part.stream().map(e -> e.pair().before()).toList());
                    Tensor after = ImageTensors.toTensor(part.stream().map(e -> e.pair().after()).toList());
                    PortraitModel.Conditions c = PortraitModel.conditions(ld, before);
                    src.add(copy(c.spatial()));
                    tok.add(copy(c.clipTokens()));
                    tgt.add(copy(ld.encode(after)));
                    txt.add(copy(ld.textStates(part.stream().map(e -> e.entry().target()).toList(), m -> { })));
                }
            }
            Tensor prompts = ld.textStates(List.of(task.sourcePrompt(), ""), m -> { });
            return new PortraitTrainTask.Data(cat(src), cat(tgt), cat(tok), cat(txt), prompts.narrow(0, 0, 1).clone(),
                    prompts.narrow(0, 1, 1).clone());
        }
    }

    /** A copy that outlives the batch's pointer scope (released by {@link #cat}). */
    private static Tensor copy(Tensor t) {
        return Tensors.keep(Tensors.of(Tensors.toFloats(t), Tensors.shape(t)));
    }

    /** The parts concatenated on the batch; the parts are released. */
    private static Tensor cat(List<Tensor> parts) {
        Tensor all = Tensors.cat(0, parts.toArray(Tensor[]::new));
        parts.forEach(Tensors::release);
        return all;
    }

    private String card(PortraitConfig c, long pairCount, TrainConfig tc, Trainer.Result r, Trainer trainer) {
        double[] loss = LossCurve.read(run.out.resolve(Trainer.LOSS_CSV));
        return String.format(Locale.ROOT, """
                # Portrait model, task %s (trained by `retouch train portrait`)

                Paper 003's multi-conditioned diffusion model (variant %s) initialised from `%s`: UNet conv_in
                widened to %d channels (source latent, new channels zero-initialised), %d image tokens from the
                adapter appended to the text tokens. Trained on %d generated pairs of %s, target prompts %s, source
                prompt "%s"; 5 %% reconstruction samples, 20 %% condition dropout. Weights: EMA, fp16.

                """, c.task(), c.variant().id(), base, c.unet().inChannels(), c.imageTokens(), pairCount, pairs,
                c.targets(), c.sourcePrompt())
                + TrainingCard.command(String.format(Locale.ROOT, "bin/retouch train portrait --pairs %s --base %s "
                        + "--variant %s --steps %d --batch %d --lr %s --warmup %d --seed %d --checkpoint-every %d --out %s",
                pairs, base, c.variant().id(), r.steps(), tc.batchSize(), lr, warmup, run.seed, run.checkpointEvery,
                run.out))
                + "\n" + TrainingCard.run(r, tc, trainer.seconds(), loss)
                + "\nTry it: `bin/retouch edit portrait --model <this directory> --image IN.png --target \""
                + c.targets().get(0) + "\" --out OUT.png`\n\n"
                + TrainingCard.lossCurve("training loss (MSE on the prediction target)", loss);
    }
}
