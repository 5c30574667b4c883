package dev.retouch.core.io;

import static dev.retouch.core.io.TorchTensors.bytesOf;
import static dev.retouch.core.io.TorchTensors.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through libtorch tensors. */
class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> everyDtype() {
        Tensor f32 = Tensor.create(new float[] {1.5f, -2f, 3.25f, 1e-3f, Float.NaN, Float.NEGATIVE_INFINITY}, 2, 3);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("f32", f32);
        t.put("f64", Tensor.create(new double[] {Math.PI, -1e300, 0.0, -0.0}, 4));
        t.put("f16", f32.to(ScalarType.Half));
        t.put("bf16", f32.to(ScalarType.BFloat16));
        t.put("i64", Tensor.create(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 2, 1, 2));
        t.put("i32", Tensor.create(new int[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE}, 3));
        t.put("i16", Tensor.create(new short[] {-300, 300}, 2));
        t.put("i8", Tensor.create(new byte[] {-128, 5, 127}, true, 3));
        t.put("u8", Tensor.create(new byte[] {(byte) 255, 0, 17, 1}, false, 2, 2));
        t.put("bool", Tensor.create(new boolean[] {true, false, true}, 3));
        t.put("c64", f32.to(ScalarType.ComplexFloat));
        t.put("scalar", Tensor.create(new float[] {42.5f}, 1).reshape());
        t.put("empty", torch.empty(0, 3));
        for (DType d : new DType[] {DType.U16, DType.U32, DType.U64, DType.F8_E5M2, DType.F8_E4M3, DType.F8_E8M0}) {
            t.put("raw_" + d, TorchTensors.randomBytes(d, d.ordinal(), 3, 2));
        }
        return t;
    }

    @Test
    void everyDtypeRoundTripsWithValuesAndShapes() {
        Map<String, Tensor> original = everyDtype();
        assertEquals(ScalarType.Char, original.get("i8").scalar_type().intern());
        assertEquals(ScalarType.Byte, original.get("u8").scalar_type().intern());
        assertEquals(0, original.get("scalar").dim());
        Path file = dir.resolve("all.safetensors");
        Safetensors.save(file, original, Map.of());
        Map<String, Tensor> loaded = Safetensors.load(file);
        assertEquals(original.keySet(), loaded.keySet());
        for (String name : original.keySet()) {
            Tensor a = original.get(name);
            Tensor b = loaded.get(name);
            assertEquals(a.scalar_type().intern(), b.scalar_type().intern(), name);
            assertArrayEquals(shape(a), shape(b), name);
            assertArrayEquals(bytesOf(a), bytesOf(b), name);
            assertTrue(b.is_cpu() && b.is_contiguous(), name);
        }
        assertEquals(42.5f, loaded.get("scalar").item_float());
        assertEquals(Long.MIN_VALUE, loaded.get("i64").reshape(-1).get(0).item_long());
        assertEquals(-2.0, loaded.get("f16").reshape(-1).get(1).item_double());
        assertEquals(3.25, loaded.get("bf16").reshape(-1).get(2).item_double());
        assertEquals((byte) 255, loaded.get("u8").reshape(-1).get(0).item_byte());
        assertFalse(loaded.get("bool").reshape(-1).get(1).item_bool());
        assertEquals(0, loaded.get("empty").numel());
    }

    @Test
    void metadataRoundTripsInOrder() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("prompt", "a \"quoted\" émoji 😀\nline");
        metadata.put("a", "");
        Path file = dir.resolve("m.safetensors");
        Safetensors.save(file, Map.of("x", Tensor.create(1f, 2f)), metadata);
        assertEquals(List.copyOf(metadata.entrySet()), List.copyOf(Safetensors.readMetadata(file).entrySet()));
        Safetensors.save(file, Map.of("x", Tensor.create(1f, 2f)), null);
        assertTrue(Safetensors.readMetadata(file).isEmpty());
    }

    @Test
    void writerOrdersByDtypeAlignmentThenNameAndAlignsData() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("z", Tensor.create(new byte[] {1, 2, 3}, false, 3));
        t.put("m", Tensor.create(1f));
        t.put("a", Tensor.create(2f, 3f));
        t.put("b", Tensor.create(5L));
        t.put("h", Tensor.create(1f).to(ScalarType.Half));
        Path file = dir.resolve("o.safetensors");
        Safetensors.save(file, t, null);
        SafetensorsHeader h = Safetensors.parse(file);
        assertEquals(List.of("b", "a", "m", "h", "z"), h.names());
        assertEquals(0, h.dataStart() % 8);
        for (TensorInfo info : h.tensors()) {
            assertEquals(0, info.begin() % info.dtype().byteSize(), info.name());
        }
        String json = new String(Files.readAllBytes(file), 8, (int) h.headerLength(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"), json);
    }

    @Test
    void nonContiguousTensorsAreSavedInLogicalOrder() {
        Tensor t = Tensor.create(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t();
        Path file = dir.resolve("t.safetensors");
        Safetensors.save(file, Map.of("t", t), null);
        Tensor loaded = Safetensors.load(file).get("t");
        assertArrayEquals(new long[] {3, 2}, shape(loaded));
        assertArrayEquals(bytesOf(t.contiguous()), bytesOf(loaded));
        assertArrayEquals(StBytes.littleEndianFloats(1, 4, 2, 5, 3, 6), bytesOf(loaded));
    }

    @Test
    void tinyWindowsLoadTheSameTensors() {
        Map<String, Tensor> original = everyDtype();
        Path file = dir.resolve("w.safetensors");
        Safetensors.save(file, original, Map.of("k", "v"));
        Map<String, Tensor> whole = Safetensors.load(file);
        for (long window : new long[] {1, 3, 7}) {
            Map<String, Tensor> windowed = Safetensors.load(file, window);
            for (String name : original.keySet()) {
                assertArrayEquals(bytesOf(whole.get(name)), bytesOf(windowed.get(name)), name + " @" + window);
            }
        }
    }

    @Test
    void openReadsSingleTensorsAndNamesMissingOnes() {
        Path file = dir.resolve("s.safetensors");
        Safetensors.save(file, Map.of("a", Tensor.create(1f, 2f), "b", Tensor.create(3L)), null);
        try (SafetensorsFile f = Safetensors.open(file)) {
            assertEquals(3L, f.tensor("b").item_long());
            assertArrayEquals(StBytes.littleEndianFloats(1, 2), f.bytes("a"));
            RetouchException e = assertThrows(RetouchException.class, () -> f.tensor("c"));
            assertTrue(e.getMessage().contains("has no tensor 'c'"), e.getMessage());
        }
    }

    @Test
    void saveFailsClearly() {
        Map<String, Tensor> ok = Map.of("x", Tensor.create(1f));
        RetouchException e = assertThrows(RetouchException.class,
                () -> Safetensors.save(dir.resolve("nope/x.safetensors"), ok, null));
        assertTrue(e.getMessage().contains("output directory") && e.getMessage().contains("does not exist"),
                e.getMessage());
        e = assertThrows(RetouchException.class,
                () -> Safetensors.save(dir.resolve("x.safetensors"), Map.of("__metadata__", Tensor.create(1f)), null));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        e = assertThrows(RetouchException.class, () -> Safetensors.save(dir.resolve("x.safetensors"),
                Map.of("d", Tensor.create(1.0).to(ScalarType.ComplexDouble)), null));
        assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("ComplexDouble"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.safetensors")));
    }

    @Test
    void loadingSubByteDtypesFailsClearly() throws IOException {
        Path file = StBytes.write(dir, "f4.safetensors",
                StBytes.file("{\"q\":{\"dtype\":\"F4\",\"shape\":[4],\"data_offsets\":[0,2]}}", 2));
        RetouchException e = assertThrows(RetouchException.class, () -> Safetensors.load(file));
        assertTrue(e.getMessage().contains("'q'") && e.getMessage().contains("F4"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        RetouchException e = assertThrows(RetouchException.class,
                () -> Safetensors.load(dir.resolve("missing.safetensors")));
        assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("does not exist"),
                e.getMessage());
    }
}
