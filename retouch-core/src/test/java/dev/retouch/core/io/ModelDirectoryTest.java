package dev.retouch.core.io;

import static dev.retouch.core.io.TorchTensors.bytesOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    enum Prediction { EPSILON, V_PREDICTION }

    record TinyConfig(int channels, List<Integer> channelMult, Prediction prediction, double dropout) {
    }

    record OtherConfig(int channels) {
    }

    private static final TinyConfig CONFIG = new TinyConfig(32, List.of(1, 2, 2), Prediction.EPSILON, 0.1);

    @TempDir
    Path root;

    private static Map<String, Tensor> weights() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("conv_in.weight", Tensor.create(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        w.put("conv_in.bias", Tensor.create(new float[] {0.5f, -0.5f}, 2).to(ScalarType.Half));
        w.put("step", Tensor.create(7L));
        return w;
    }

    private String openFails(Path dir) {
        return assertThrows(RetouchException.class, () -> ModelDirectory.open(dir)).getMessage();
    }

    @Test
    void saveThenOpenRoundTrips() {
        Path dir = root.resolve("tiny");
        Map<String, Tensor> weights = weights();
        ModelDirectory.save(dir, CONFIG, weights, "# tiny\ntrained for 0 steps\n");
        ModelDirectory model = ModelDirectory.open(dir);
        assertEquals(dir, model.dir());
        assertEquals(CONFIG, model.config(TinyConfig.class));
        assertEquals(Optional.of("# tiny\ntrained for 0 steps\n"), model.modelCard());
        assertEquals(Map.of("format", "pt"), model.weightsHeader().metadata());
        Map<String, Tensor> loaded = model.weights();
        assertEquals(weights.keySet(), Map.copyOf(loaded).keySet());
        for (String name : weights.keySet()) {
            assertArrayEquals(bytesOf(weights.get(name)), bytesOf(loaded.get(name)), name);
        }
        // Saving again over an existing model replaces it.
        ModelDirectory.save(dir, new TinyConfig(8, List.of(1), Prediction.V_PREDICTION, 0), Map.of(), "v2");
        assertEquals(8, ModelDirectory.open(dir).config(TinyConfig.class).channels());
        assertTrue(ModelDirectory.open(dir).weights().isEmpty());
    }

    @Test
    void saveHalfStoresEveryWeightAsFp16() {
        Path dir = root.resolve("half");
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("a", Tensor.create(new float[] {1, 2.5f, -3, 0.1f}, 2, 2));
        ModelDirectory.saveHalf(dir, CONFIG, w, "card");
        Tensor loaded = ModelDirectory.open(dir).weights().get("a");
        assertEquals(ScalarType.Half, dev.retouch.core.tensor.Tensors.dtype(loaded));
        assertArrayEquals(new long[] {2, 2}, loaded.sizes().vec().get());
        float[] v = dev.retouch.core.tensor.Tensors.toFloats(loaded);
        assertArrayEquals(new float[] {1, 2.5f, -3, 0.099975586f}, v); // 0.1 rounded to the nearest fp16
    }

    @Test
    void configMustMatchTheRecordExactly() {
        Path dir = root.resolve("tiny");
        ModelDirectory.save(dir, CONFIG, weights(), "card");
        String m = assertThrows(RetouchException.class,
                () -> ModelDirectory.open(dir).config(OtherConfig.class)).getMessage();
        assertTrue(m.contains(dir.resolve("config.json").toString()) && m.contains("unknown field 'channelMult'"),
                m);
    }

    @Test
    void saveNeedsAnExistingParent() {
        String m = assertThrows(RetouchException.class,
                () -> ModelDirectory.save(root.resolve("a/b"), CONFIG, weights(), "card")).getMessage();
        assertTrue(m.contains("output directory " + root.resolve("a") + " does not exist"), m);
    }

    @Test
    void openNamesWhatIsMissingOrBroken() throws IOException {
        Path dir = root.resolve("m");
        assertTrue(openFails(dir).contains("model directory " + dir + " does not exist"));
        Files.writeString(dir, "file");
        assertTrue(openFails(dir).contains("is a file; expected a directory"));
        Files.delete(dir);
        Files.createDirectory(dir);
        assertTrue(openFails(dir).contains("has no config.json"));
        Files.writeString(dir.resolve("config.json"), "{\"channels\": ");
        String m = openFails(dir);
        assertTrue(m.contains("config.json is not valid JSON"), m);
        Files.writeString(dir.resolve("config.json"), "[1]");
        m = openFails(dir);
        assertTrue(m.contains("config.json is a JSON array; expected a JSON object"), m);
        Files.writeString(dir.resolve("config.json"), "{\"channels\": 3}");
        m = openFails(dir);
        assertTrue(m.contains("has no model.safetensors"), m);
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        m = openFails(dir);
        assertTrue(m.contains("invalid safetensors file " + dir.resolve("model.safetensors")), m);
        Files.write(dir.resolve("model.safetensors"), StBytes.file("{}", 0));
        ModelDirectory model = ModelDirectory.open(dir);
        assertEquals(new OtherConfig(3), model.config(OtherConfig.class));
        assertEquals(Optional.empty(), model.modelCard());
    }
}
