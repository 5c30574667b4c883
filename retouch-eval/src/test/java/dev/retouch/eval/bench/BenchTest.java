package dev.retouch.eval.bench;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.engine.ConvRoute;
import dev.retouch.edit.ModelStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retouch bench}'s readings on the shipped models: every line, in order, with a plausible value. */
class BenchTest {
    private static final Path MODELS = Path.of("..").toAbsolutePath().normalize().resolve("models");

    @Test
    void everyComponentIsTimedOnTheShippedModels() {
        List<Bench.Reading> readings = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Bench.run(ModelStore.of(MODELS), new Bench.Config("emoji-ddpm-32", 1), readings::add, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(List.of("conv_route", "gemm_gflops", "unet_forward_gflops", "unet_gemm_ratio",
                "ddim50_sample_seconds", "train_images_per_second", "pixelguide50_edit_seconds",
                "vae_roundtrip_seconds", "ldm25_sample_seconds", "ldm25_batch8_seconds_per_image",
                "fewshot_edit_seconds"), readings.stream().map(Bench.Reading::name).toList());
        String route = readings.get(0).text();
        assertTrue(Arrays.stream(ConvRoute.values()).anyMatch(r -> route.startsWith(r.name())), route);
        for (Bench.Reading r : readings.subList(1, readings.size())) {
            assertTrue(r.text() == null && r.value() > 0 && Double.isFinite(r.value()), r.toString());
        }
        Bench.Reading ratio = readings.get(3);
        assertEquals(readings.get(2).value() / readings.get(1).value(), ratio.value(), 1e-12);
        // a UNet cannot run faster than the machine's own large matrix product, nor 1000× slower
        assertTrue(ratio.value() < 1.2 && ratio.value() > 1e-3, ratio.toString());
    }

    @Test
    void badRepeatsAreTheCallersMistake() {
        assertThrows(InvalidRequestException.class, () -> new Bench.Config("emoji-ddpm-32", 0));
        assertThrows(InvalidRequestException.class, () -> new Bench.Config("emoji-ddpm-32", 1001));
    }

    @Test
    void medianOfRepeats() {
        int[] calls = {0};
        long[] sleeps = {30, 1, 60};
        double m = Bench.median(3, () -> {
            try {
                Thread.sleep(sleeps[calls[0]++]);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(3, calls[0]);
        assertTrue(m >= 0.030 && m < 0.060, "the middle of 1, 30 and 60 ms: " + m);
    }
}
