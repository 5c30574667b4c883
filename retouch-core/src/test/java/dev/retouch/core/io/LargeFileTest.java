package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file over 2 GB with a single tensor over 2 GB, through the default 1 GiB windows. Needs about 5 GB of
 * RAM and disk, so it runs only with {@code -Dretouch.largeFileTests=true}.
 */
@EnabledIfSystemProperty(named = "retouch.largeFileTests", matches = "true")
class LargeFileTest {
    @TempDir
    Path dir;

    @Test
    void tensorOverTwoGigabytesRoundTrips() throws Exception {
        long n = (1L << 31) + 4099;
        Tensor big = TensorBytes.empty(new TensorInfo("big", DType.U8, new long[] {n}, 0, n));
        long[] probes = {0, (1L << 30) - 1, 1L << 30, (1L << 31) - 1, 1L << 31, n - 1};
        for (int i = 0; i < probes.length; i++) {
            TensorBytes.view(big, probes[i], 1).put((byte) (i + 1));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("big", big);
        tensors.put("small", Tensor.create(1f, 2f, 3f));
        Path file = dir.resolve("big.safetensors");
        Safetensors.save(file, tensors, null);
        assertTrue(Files.size(file) > n);

        Tensor loaded = Safetensors.load(file).get("big");
        assertEquals(n, loaded.numel());
        for (int i = 0; i < probes.length; i++) {
            assertEquals((byte) (i + 1), TensorBytes.view(loaded, probes[i], 1).get(), "byte " + probes[i]);
        }
        assertTrue(loaded.equal(big));
        try (SafetensorsFile f = Safetensors.open(file)) {
            assertEquals(3f, f.tensor("small").get(2).item_float());
        }
    }
}
