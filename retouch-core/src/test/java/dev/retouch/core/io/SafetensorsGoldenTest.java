package dev.retouch.core.io;

import static dev.retouch.core.io.TorchTensors.bytesOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-exact golden files: the first three are the reference implementation's own test vectors
 * (huggingface/safetensors tensor.rs: test_serialization, test_serialization_forced_alignement, test_empty);
 * the last is built by hand here.
 */
class SafetensorsGoldenTest {
    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] FLOATS_0_TO_5 = {0, 0, 0, 0, 0, 0, (byte) 128, 63, 0, 0, 0, 64, 0, 0, 64, 64,
        0, 0, (byte) 128, 64, 0, 0, (byte) 160, 64};

    private byte[] saved(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path file = dir.resolve("golden.safetensors");
        Safetensors.save(file, tensors, metadata);
        return Files.readAllBytes(file);
    }

    @Test
    void referenceSerializationVector() throws IOException {
        byte[] expected = concat(new byte[] {64, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"), FLOATS_0_TO_5);
        Tensor t = Tensor.create(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3);
        assertArrayEquals(expected, saved(Map.of("attn.0", t), null));
        Tensor read = Safetensors.load(dir.resolve("golden.safetensors")).get("attn.0");
        assertArrayEquals(FLOATS_0_TO_5, bytesOf(read));
    }

    @Test
    void referenceForcedAlignmentVector() throws IOException {
        byte[] expected = concat(new byte[] {72, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       "),
                FLOATS_0_TO_5);
        Tensor t = Tensor.create(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3);
        assertArrayEquals(expected, saved(Map.of("attn0", t), null));
    }

    @Test
    void referenceEmptyVectors() throws IOException {
        assertArrayEquals(concat(new byte[] {8, 0, 0, 0, 0, 0, 0, 0}, ascii("{}      ")), saved(Map.of(), null));
        assertArrayEquals(concat(new byte[] {40, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"__metadata__\":{\"framework\":\"pt\"}}     ")), saved(Map.of(), Map.of("framework", "pt")));
    }

    @Test
    void handBuiltFileDecodesAndOurWriterReproducesIt() throws IOException {
        String header = "{\"i\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[20,23]}}     ";
        assertEquals(176, header.length());
        byte[] data = {
            1, 0, 0, 0, -1, -1, -1, -1, 0, 1, 0, 0, 7, 0, 0, 0, // I32 [[1, -1], [256, 7]]
            0, 0x3C, 0, (byte) 0xC0, // F16 [1.0, -2.0]
            1, 0, 1}; // BOOL [true, false, true]
        byte[] file = concat(new byte[] {(byte) 176, 0, 0, 0, 0, 0, 0, 0}, ascii(header), data);
        Path path = StBytes.write(dir, "hand.safetensors", file);

        Map<String, Tensor> loaded = Safetensors.load(path);
        assertEquals(256, loaded.get("i").get(1).get(0).item_int());
        assertEquals(-1, loaded.get("i").get(0).get(1).item_int());
        assertEquals(-2.0, loaded.get("h").get(1).item_double());
        assertEquals(true, loaded.get("mask").get(2).item_bool());
        assertEquals(false, loaded.get("mask").get(1).item_bool());

        byte[] ours = saved(loaded, null);
        assertEquals(Safetensors.parse(file, "hand-built"), Safetensors.parse(ours, "ours"));
        assertArrayEquals(file, ours);
    }
}
