package dev.retouch.diffusion.train;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop every Retouch model shares: AdamW with linear warm-up, global-norm gradient clipping, EMA,
 * periodic atomic checkpoints ({@code checkpoint.safetensors}: model, EMA, optimizer moments and the generator
 * state) and a loss curve ({@code loss.csv}). {@link #resume} restores all of it, so N steps straight and
 * N/2 + resume + N/2 give the same weights.
 */
public final class Trainer {
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String LOSS_CSV = "loss.csv";
    private final TrainingTask task;
    private final TrainConfig config;
    private final Path runDir;
    private final Map<String, Tensor> params;
    private final AdamW optimizer;
    private final Ema ema;
    private final Generator gen;
    private int step;
    private final List<String> lossRows = new ArrayList<>();
    private final java.util.ArrayDeque<Double> recent = new java.util.ArrayDeque<>(); // the last 100 losses
    private double seconds;

    /** A trainer whose EMA starts with the warm-up (a model trained from its initialisation). */
    public Trainer(TrainingTask task, TrainConfig config, Path runDir) {
        this(task, config, runDir, true);
    }

    /**
     * @param emaWarmup false when the model starts from trained, already averaged weights of the same objective
     *                  (a next training stage): the average then uses the full decay from the first step
     */
    public Trainer(TrainingTask task, TrainConfig config, Path runDir, boolean emaWarmup) {
        this.task = task;
        this.config = config;
        this.runDir = runDir;
        this.params = task.model().namedParameters();
        this.optimizer = new AdamW(params, config.weightDecay());
        this.ema = config.emaDecay() > 0 ? new Ema(task.model().stateDict(), config.emaDecay(), emaWarmup) : null;
        this.gen = Tensors.generator(config.seed());
    }

    /** Outcome of {@link #run}: steps done, mean loss of the last 100 steps, wall time of this process's steps. */
    public record Result(int steps, double recentLoss, double seconds, boolean finished) {
    }

    /** Runs until {@code config.steps()} (or until the listener cancels), checkpointing as configured. */
    public Result run(StepListener listener) {
        task.model().train(true);
        long t0 = System.nanoTime();
        boolean cancelled = false;
        while (step < config.steps() && !cancelled) {
            double loss = trainStep();
            step++;
            if (recent.size() == 100) {
                recent.removeFirst();
            }
            recent.addLast(loss);
            lossRows.add(String.format(Locale.ROOT, "%d,%.6f,%.3e,%.2f", step, loss, config.learningRateAt(step - 1),
                    seconds + (System.nanoTime() - t0) / 1e9));
            cancelled = !listener.onStep(step, config.steps(), loss);
            if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < config.steps()) {
                saveCheckpoint(seconds + (System.nanoTime() - t0) / 1e9);
            }
        }
        seconds += (System.nanoTime() - t0) / 1e9;
        saveCheckpoint(seconds);
        return new Result(step, recentLoss(), seconds, step >= config.steps());
    }

    private double trainStep() {
        try (PointerScope ignored = new PointerScope()) {
            optimizer.zeroGrad();
            Tensor loss = task.loss(config.batchSize(), gen);
            double value = loss.item_double();
            if (!Double.isFinite(value)) {
                throw new RetouchException("training diverged: loss is " + value + " at step " + (step + 1));
            }
            loss.backward();
            if (config.gradClip() > 0) {
                optimizer.clipGradNorm(config.gradClip());
            }
            optimizer.step(config.learningRateAt(step));
            if (ema != null) {
                ema.update(step + 1);
            }
            return value;
        }
    }

    /** Mean of the last 100 losses of this process (the loss rows are cleared at each checkpoint, these are not). */
    private double recentLoss() {
        return recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The weights to ship: the EMA average when enabled, else the live model. */
    public Map<String, Tensor> finalWeights() {
        return ema != null ? ema.state() : task.model().stateDict();
    }

    public int step() {
        return step;
    }

    private void saveCheckpoint(double totalSeconds) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        task.model().stateDict().forEach((k, t) -> all.put("model." + k, t.detach()));
        if (ema != null) {
            ema.state().forEach((k, t) -> all.put("ema." + k, t));
        }
        optimizer.state().forEach((k, t) -> all.put("optim." + k, t));
        all.put("rng", gen.get_state());
        Map<String, String> meta = Map.of("step", Integer.toString(step), "optimizer_steps",
                Long.toString(optimizer.stepCount()), "seconds", Double.toString(totalSeconds));
        try {
            Files.createDirectories(runDir);
            Safetensors.save(runDir.resolve(CHECKPOINT), all, meta);
            List<String> csv = new ArrayList<>(readCsv());
            csv.addAll(lossRows);
            lossRows.clear();
            AtomicFiles.writeString(runDir.resolve(LOSS_CSV), String.join("\n", csv) + "\n");
        } catch (IOException e) {
            throw new RetouchException("cannot write checkpoint in " + runDir + ": " + e.getMessage(), e);
        }
    }

    private List<String> readCsv() throws IOException {
        Path csv = runDir.resolve(LOSS_CSV);
        if (!Files.exists(csv)) {
            return List.of("step,loss,lr,seconds");
        }
        return Files.readAllLines(csv, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    /** Restores model, EMA, optimizer, generator and step from {@code runDir/checkpoint.safetensors}. */
    public void resume() {
        Path file = runDir.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            throw new RetouchException("cannot resume: no checkpoint at " + file);
        }
        Map<String, Tensor> all = Safetensors.load(file);
        Map<String, String> meta = Safetensors.readMetadata(file);
        task.model().loadStateDict(strip(all, "model."), true);
        if (ema != null) {
            ema.load(strip(all, "ema."));
        }
        optimizer.load(strip(all, "optim."), Long.parseLong(meta.get("optimizer_steps")));
        gen.set_state(all.get("rng"));
        step = Integer.parseInt(meta.get("step"));
        seconds = Double.parseDouble(meta.getOrDefault("seconds", "0"));
        try {
            List<String> kept = readCsv().stream()
                    .filter(l -> l.startsWith("step") || Integer.parseInt(l.split(",")[0]) <= step).toList();
            AtomicFiles.writeString(runDir.resolve(LOSS_CSV), String.join("\n", kept) + "\n");
        } catch (IOException e) {
            throw new RetouchException("cannot read " + runDir.resolve(LOSS_CSV) + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> strip(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), t);
            }
        });
        return out;
    }

    /** Total training seconds so far, across resumes. */
    public double seconds() {
        return seconds;
    }
}
