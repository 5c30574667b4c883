package dev.retouch.edit.fewshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.nn.Module;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.pairs.PairFolder;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A learned editing effect and its self-contained directory:
 * <pre>
 *   config.json        {@link EffectConfig} (with {@code formatVersion}; other versions are refused)
 *   model.safetensors  the network's weights, fp16
 *   pairs/             the training pairs at the effect's size (before/NAME.png, after/NAME.png): the few-shot
 *                      variants draw x_i, y_i from them at inference
 *   train-pairs.txt    the pair names, one "NAME.png" per line
 *   MODEL_CARD.md      how it was trained and how good it is
 * </pre>
 * Files are written atomically; config.json last, so a directory with a config is complete.
 */
public final class Effect {
    public static final int FORMAT_VERSION = 1;
    public static final String PAIRS = "pairs";
    public static final String TRAIN_PAIRS = "train-pairs.txt";
    private final EffectConfig config;
    private final Module network;
    private final List<ImagePair> pairs;
    private final PairTensors tensors;

    private Effect(EffectConfig config, Module network, List<ImagePair> pairs) {
        int size = config.imageSize();
        this.config = config;
        this.network = network;
        this.pairs = pairs.stream().map(p -> new ImagePair(p.name(), eightBit(Resize.square(p.before(), size)),
                eightBit(Resize.square(p.after(), size)))).toList();
        this.tensors = PairTensors.of(this.pairs, size);
    }

    /** The same effect (sharing its network) applied with other sampling settings. */
    public Effect withSampling(SamplingConfig sampling) {
        return new Effect(config.withSampling(sampling), network, pairs);
    }

    /** A freshly initialised effect to train on {@code pairs} (resized to the effect's size). */
    public static Effect create(EffectConfig config, List<ImagePair> pairs, long seed) {
        if (pairs.size() < 2) {
            throw new RetouchException("an effect needs at least 2 training pairs, got " + pairs.size());
        }
        Module net = config.variant() == EffectVariant.PIX2PIX ? DirectRegressor.create(config.regressor(), seed)
                : FewshotModel.create(config.fewshot(), seed);
        return new Effect(config, net, pairs);
    }

    public EffectConfig config() {
        return config;
    }

    public Module network() {
        return network;
    }

    public List<ImagePair> pairs() {
        return pairs;
    }

    public PairTensors pairTensors() {
        return tensors;
    }

    /** The objective that trains this effect's network on its pairs. */
    public TrainingTask trainingTask() {
        return switch (config.variant()) {
            case PIX2PIX -> new DirectTask((DirectRegressor) network, tensors, config.augment());
            case NN, ONE -> new FewshotTask((FewshotModel) network, tensors, config.augment(), config.losses());
        };
    }

    /** x (B, 3, S, S) in [−1, 1] → the edited images and the sources drawn; {@code gen} draws sources and noise. */
    public FewshotSampler.Sampled apply(Tensor x, SamplingConfig sampling, Generator gen) {
        return apply(x, sampling, gen, null);
    }

    /** {@link #apply(Tensor, SamplingConfig, Generator)}, telling {@code listener} after every sampling step. */
    public FewshotSampler.Sampled apply(Tensor x, SamplingConfig sampling, Generator gen, StepListener listener) {
        if (network.isTraining()) {
            network.eval(); // after training; a loaded effect is in eval mode already (no write: shared across threads)
        }
        return switch (config.variant()) {
            case PIX2PIX -> {
                try (var ignored = new org.bytedeco.pytorch.NoGradGuard()) {
                    yield new FewshotSampler.Sampled(((DirectRegressor) network).forward(x), new int[(int) x.size(0)][0]);
                }
            }
            case NN, ONE -> FewshotSampler.edit((FewshotModel) network, x, tensors, sampling, gen, listener);
        };
    }

    /** Edits one image (resized to the effect's size): the result, the source pairs of each chain, the time. */
    public FewshotResult edit(FewshotRequest request) {
        return edit(request, null);
    }

    /** {@link #edit(FewshotRequest)}, telling {@code listener} after every sampling step (it may cancel). */
    public FewshotResult edit(FewshotRequest request, StepListener listener) {
        long t0 = System.nanoTime();
        SamplingConfig sampling = request.sampling() != null ? request.sampling() : config.sampling();
        Generator gen = Tensors.generator(request.seed()); // kept: released below
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = ImageTensors.toTensor(Resize.square(request.image(), config.imageSize()));
            FewshotSampler.Sampled s = apply(x, sampling, gen, listener);
            List<List<String>> sources = java.util.Arrays.stream(s.sources())
                    .map(row -> java.util.Arrays.stream(row).mapToObj(i -> pairs.get(i).name()).toList()).toList();
            return new FewshotResult(ImageTensors.fromTensor(s.image()), sources, (System.nanoTime() - t0) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }

    /** Edits one image (resized to the effect's size) with the given seed and the effect's sampling. */
    public RgbImage apply(RgbImage image, long seed) {
        return edit(new FewshotRequest(image, seed, null)).image();
    }

    /** Writes the effect with {@code weights} (stored as fp16) into {@code dir}. */
    public void save(Path dir, Map<String, Tensor> weights, String modelCard) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(PAIRS + ".tmp");
            dev.retouch.core.io.AtomicFiles.deleteTree(tmp);
            PairFolder.write(tmp, pairs);
            dev.retouch.core.io.AtomicFiles.deleteTree(dir.resolve(PAIRS));
            Files.move(tmp, dir.resolve(PAIRS), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RetouchException("cannot write effect " + dir + ": " + e.getMessage(), e);
        }
        PairFolder.writeNames(dir.resolve(TRAIN_PAIRS), pairs);
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    /**
     * Loads an effect directory, in eval mode, float32.
     *
     * @throws RetouchException naming the directory or file: not an effect, another format version, missing or
     *                          mismatched weights, missing or invalid pairs
     */
    public static Effect load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RetouchException("effect directory " + dir + (Files.exists(dir) ? " is a file" : " does not exist")
                    + "; expected a directory made by 'retouch train fewshot'");
        }
        checkVersion(dir.resolve(ModelDirectory.CONFIG));
        ModelDirectory md = ModelDirectory.open(dir);
        EffectConfig config = md.config(EffectConfig.class);
        Module net = config.variant() == EffectVariant.PIX2PIX ? new DirectRegressor(config.regressor())
                : new FewshotModel(config.fewshot());
        md.loadInto(net);
        List<ImagePair> pairs = PairFolder.read(dir.resolve(PAIRS), 2);
        for (ImagePair p : pairs) {
            if (p.before().width() != config.imageSize() || p.before().height() != config.imageSize()) {
                throw new RetouchException(dir.resolve(PAIRS) + ": pair '" + p.name() + "' is " + p.before().width()
                        + "x" + p.before().height() + ", expected " + config.imageSize() + "x" + config.imageSize());
            }
        }
        return new Effect(config, net, pairs);
    }

    /**
     * The image as its 8-bit PNG in {@code pairs/} decodes (k · (1/255)), so an effect in memory and the same effect
     * loaded from disk see identical pairs.
     */
    static RgbImage eightBit(RgbImage image) {
        float[] chw = image.chw().clone();
        float scale = 1f / 255;
        for (int i = 0; i < chw.length; i++) {
            chw[i] = Math.min(1f, Math.max(0, Math.min(255, Math.round(chw[i] * 255f))) * scale);
        }
        return new RgbImage(image.width(), image.height(), chw);
    }

    /** Refuses a config.json without formatVersion or with another version, before the strict parse. */
    private static void checkVersion(Path configFile) {
        if (!Files.isRegularFile(configFile)) {
            throw new RetouchException(configFile.getParent() + " is not an effect directory: it has no "
                    + ModelDirectory.CONFIG);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new RetouchException(configFile + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
        JsonNode v = root == null ? null : root.get("formatVersion");
        if (v == null || !v.isInt()) {
            throw new RetouchException(configFile + " has no integer formatVersion: not an effect made by "
                    + "'retouch train fewshot'");
        }
        if (v.intValue() != FORMAT_VERSION) {
            throw new RetouchException(configFile + ": effect format version " + v.intValue() + ", but this Retouch "
                    + "reads version " + FORMAT_VERSION + "; re-train the effect with this version or use a matching "
                    + "Retouch");
        }
    }
}
