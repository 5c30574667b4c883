package dev.retouch.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.nn.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * A model on disk: a directory holding {@code config.json} (the model's configuration record),
 * {@code model.safetensors} (its weights) and {@code MODEL_CARD.md} (how it was made and how good it is).
 *
 * <p>{@link #open} checks that the directory exists, that {@code config.json} is a JSON object and that the
 * weights file has a valid safetensors header; the weights themselves are read by {@link #weights()}. A missing
 * model card is tolerated on open (checkpoints converted from elsewhere may lack one) and reported as empty.
 */
public final class ModelDirectory {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String MODEL_CARD = "MODEL_CARD.md";
    /** Written into the weights' metadata, as transformers and diffusers expect of PyTorch checkpoints. */
    static final Map<String, String> WEIGHTS_METADATA = Map.of("format", "pt");

    private final Path dir;
    private final JsonNode config;
    private final SafetensorsHeader weightsHeader;

    private ModelDirectory(Path dir, JsonNode config, SafetensorsHeader weightsHeader) {
        this.dir = dir;
        this.config = config;
        this.weightsHeader = weightsHeader;
    }

    /** Opens the model in {@code dir}, validating config.json and the weights header. */
    public static ModelDirectory open(Path dir) {
        if (!Files.exists(dir)) {
            throw new RetouchException("model directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new RetouchException("model path " + dir + " is a file; expected a directory with " + CONFIG
                    + ", " + WEIGHTS + " and " + MODEL_CARD);
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new RetouchException("model directory " + dir + " has no " + CONFIG + "; expected " + CONFIG
                    + ", " + WEIGHTS + " and " + MODEL_CARD);
        }
        JsonNode config = Json.readTree(Json.readString(configFile), configFile.toString());
        if (!config.isObject()) {
            throw new RetouchException(configFile + " is a JSON " + config.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + "; expected a JSON object (the model's configuration)");
        }
        Path weightsFile = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weightsFile)) {
            throw new RetouchException("model directory " + dir + " has no " + WEIGHTS + " (the weights); "
                    + "expected " + CONFIG + ", " + WEIGHTS + " and " + MODEL_CARD);
        }
        return new ModelDirectory(dir, config, Safetensors.parse(weightsFile));
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return dir.resolve(CONFIG);
    }

    public Path weightsFile() {
        return dir.resolve(WEIGHTS);
    }

    /** config.json as {@code type} (a record); fails naming any unknown or missing field. */
    public <T> T config(Class<T> type) {
        return Json.fromTree(config, type, configFile().toString());
    }

    /** config.json as a JSON tree (a copy), for telling model types apart before choosing a config record. */
    public JsonNode configTree() {
        return config.deepCopy();
    }

    /** The validated header of the weights: names, dtypes and shapes, without reading the data. */
    public SafetensorsHeader weightsHeader() {
        return weightsHeader;
    }

    /** All weights, in file order, as CPU tensors in their stored dtypes. */
    public Map<String, Tensor> weights() {
        return Safetensors.load(weightsFile());
    }

    /** The model card's text, or empty if the directory has none. */
    public Optional<String> modelCard() {
        Path card = dir.resolve(MODEL_CARD);
        return Files.isRegularFile(card) ? Optional.of(Json.readString(card)) : Optional.empty();
    }

    /**
     * Loads this directory's weights into {@code module} strictly (a missing, extra or misshapen tensor is an error
     * naming the weights file and the tensor) and puts it in eval mode.
     */
    public <M extends Module> M loadInto(M module) {
        try {
            module.loadStateDict(weights(), true);
        } catch (RetouchException e) {
            throw new RetouchException(weightsFile() + ": " + e.getMessage(), e);
        }
        module.eval();
        return module;
    }

    /**
     * Writes a model to {@code dir} (created if its parent exists): weights, then model card, then config, each
     * atomically. A crash between files can leave a mix of old and new files, never a half-written one.
     */
    public static void save(Path dir, Object config, Map<String, Tensor> weights, String modelCard) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(modelCard, "modelCard");
        createDirectory(dir);
        String configJson = Json.toJson(config);
        Safetensors.save(dir.resolve(WEIGHTS), weights, WEIGHTS_METADATA);
        AtomicFiles.writeString(dir.resolve(MODEL_CARD), modelCard);
        AtomicFiles.writeString(dir.resolve(CONFIG), configJson);
    }

    /** {@link #save} with every weight converted to fp16 first (the shipped-model format). */
    public static void saveHalf(Path dir, Object config, Map<String, Tensor> weights, String modelCard) {
        Objects.requireNonNull(weights, "weights");
        Map<String, Tensor> half = new java.util.LinkedHashMap<>();
        weights.forEach((k, t) -> half.put(k, t.detach().to(org.bytedeco.pytorch.global.torch.ScalarType.Half)));
        save(dir, config, half, modelCard);
    }

    private static void createDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new RetouchException("cannot save model to " + dir + ": it is a file; expected a directory");
        }
        AtomicFiles.parentOf(dir);
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new RetouchException("cannot create model directory " + dir + ": " + e, e);
        }
    }
}
