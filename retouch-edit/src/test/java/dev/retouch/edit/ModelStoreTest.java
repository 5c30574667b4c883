package dev.retouch.edit;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names → directories → models loaded once and shared; clear errors; reload when a directory is written again. */
class ModelStoreTest {
    @TempDir
    Path tmp;
    Path user;
    Path shipped;

    @BeforeEach
    void models() throws java.io.IOException {
        user = Files.createDirectories(tmp.resolve("user"));
        shipped = Files.createDirectories(tmp.resolve("shipped"));
        PixelDiffusionModel m = PixelDiffusionModel.create(DdpmConfig.of(UNet2DConfig.tiny(),
                NoiseScheduleConfig.ddpmLinear()), 1);
        m.save(shipped.resolve("tiny-ddpm"), m.unet().stateDict(), "# tiny\n");
        m.save(user.resolve("tiny-ddpm"), m.unet().stateDict(), "# tiny, the user's\n");
        m.save(shipped.resolve("only-shipped"), m.unet().stateDict(), "# tiny\n");
    }

    @Test
    void aStableDiffusionSingleFileCheckpointIsALatentModelGivenByPath() {
        Path ckpt = dev.retouch.diffusion.diffusers.SingleFileCheckpointTest.writeTiny(tmp.resolve("sd.safetensors"))
                .file();
        ModelStore store = ModelStore.of(user, shipped);
        assertEquals(ckpt.toAbsolutePath(), store.resolve(ckpt.toString()));
        assertTrue(store.isLatent(ckpt.toString()));
        assertEquals(64, store.latent(ckpt.toString()).unet().config().crossAttentionDim());
        assertTrue(store.latent(ckpt.toString()) == store.latent(ckpt.toString()), "loaded once");
        Path notOne = tmp.resolve("other.safetensors");
        dev.retouch.core.io.Safetensors.save(notOne, java.util.Map.of("w", dev.retouch.core.tensor.Tensors.ofLongs(
                new long[]{1}, 1)), java.util.Map.of());
        RetouchException e = org.junit.jupiter.api.Assertions.assertThrows(RetouchException.class,
                () -> store.resolve(notOne.toString()));
        assertTrue(e.getMessage().contains("not: it has no model.diffusion_model.* tensors"), e.getMessage());
    }

    @Test
    void aPlacedStoreLoadsItsOwnCopiesOfTextToImageModelsThere() throws java.io.IOException {
        Path ldm = dev.retouch.diffusion.model.TinyLatentDiffusion.save(
                dev.retouch.diffusion.model.TinyLatentDiffusion.create(5), Files.createDirectories(tmp.resolve("tiny")));
        String ckpt = ldm.toString();
        ModelStore cpu = ModelStore.of(user, shipped);
        var half = new dev.retouch.core.engine.Placement("cpu", dev.retouch.core.engine.Placement.Precision.FP16);
        ModelStore placed = cpu.placedOn(half);
        assertSame(cpu, cpu.placedOn(dev.retouch.core.engine.Placement.CPU), "already there");
        assertEquals(half, placed.placement());
        var ld = placed.latent(ckpt);
        assertEquals(half, ld.placement());
        assertNotSame(cpu.latent(ckpt), ld, "a store of its own");
        assertEquals(dev.retouch.core.engine.Placement.CPU, cpu.latent(ckpt).placement());
        ld.unet().stateDict().forEach((k, t) -> assertEquals(org.bytedeco.pytorch.global.torch.ScalarType.Half,
                dev.retouch.core.tensor.Tensors.dtype(t), k));
        var request = new dev.retouch.edit.baseline.TextToImageRequest("red heart", "", 2, 10, 5.0,
                dev.retouch.diffusion.schedule.SamplerKind.DDIM, 1);
        var got = new dev.retouch.edit.baseline.TextToImageEditor(ld).edit(request, null).image();
        var want = new dev.retouch.edit.baseline.TextToImageEditor(cpu.latent(ckpt)).edit(request, null)
                .image();
        assertEquals(want.width(), got.width());
        double psnr = dev.retouch.core.metrics.Metrics.psnr(want, got, 1.0);
        assertTrue(psnr > 30, "fp16 vs fp32 pixels of one seed: PSNR " + psnr);
    }

    @Test
    void namesResolveInRootOrderAndPathsAsGiven() {
        ModelStore store = ModelStore.of(user, shipped);
        assertEquals(user.resolve("tiny-ddpm").toAbsolutePath(), store.resolve("tiny-ddpm"));
        assertEquals(shipped.resolve("only-shipped").toAbsolutePath(), store.resolve("only-shipped"));
        Path direct = shipped.resolve("tiny-ddpm");
        assertEquals(direct.toAbsolutePath(), store.resolve(direct.toString()));
        assertEquals(2, store.list().size());
        assertEquals("pixel-diffusion", store.list().get(0).kind());
        assertTrue(!store.isLatent("tiny-ddpm"), "a pixel model is not a latent one");
    }

    @Test
    void unknownNamesAndFilesFailWithOneClearMessage() {
        ModelStore store = ModelStore.of(shipped);
        RetouchException e = assertThrows(RetouchException.class, () -> store.resolve("no-such-model"));
        assertTrue(e.getMessage().contains("'no-such-model' not found") && e.getMessage().contains(shipped.toString()),
                e.getMessage());
        RetouchException missing = assertThrows(RetouchException.class,
                () -> store.pixel(tmp.resolve("absent").toString()));
        assertTrue(missing.getMessage().contains(tmp.resolve("absent").toString()), missing.getMessage());
        assertThrows(RetouchException.class, () -> store.resolve(" "));
        assertThrows(RetouchException.class, () -> store.effect("no-such-effect"));
        RetouchException wrong = assertThrows(RetouchException.class, () -> store.latent("tiny-ddpm"));
        assertTrue(wrong.getMessage().contains("tiny-ddpm"), wrong.getMessage());
        RetouchException noHome = assertThrows(RetouchException.class, () -> withHome(tmp.toString(),
                ModelStore::fromEnvironment));
        assertTrue(noHome.getMessage().contains("no models directory at " + tmp.resolve("models")), noHome.getMessage());
    }

    @Test
    void modelsLoadOnceAndAgainWhenRewritten() throws Exception {
        ModelStore store = ModelStore.of(shipped);
        PixelDiffusionModel a = store.pixel("tiny-ddpm");
        assertSame(a, store.pixel("tiny-ddpm"));
        assertSame(a, store.pixel(shipped.resolve("tiny-ddpm").toString()), "a name and its path are one model");
        assertTrue(!a.unet().isTraining(), "loaded in eval mode");
        Path weights = shipped.resolve("tiny-ddpm").resolve(ModelDirectory.WEIGHTS);
        Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
        PixelDiffusionModel b = store.pixel("tiny-ddpm");
        assertNotSame(a, b, "a directory written again is loaded again");
        assertSame(b, store.pixel("tiny-ddpm"));
    }

    @Test
    void concurrentRequestsForOneModelLoadItOnce() throws Exception {
        ModelStore store = ModelStore.of(shipped);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    return store.load(shipped.resolve("tiny-ddpm"), Object.class, dir -> {
                        loads.incrementAndGet();
                        sleep(50);
                        return new Object();
                    });
                }));
            }
            go.countDown();
            Object first = fs.get(0).get();
            for (Future<Object> f : fs) {
                assertSame(first, f.get());
            }
            assertEquals(1, loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadIsNotCachedAsAFailure() {
        ModelStore store = ModelStore.of(shipped);
        AtomicInteger tries = new AtomicInteger();
        assertThrows(RetouchException.class, () -> store.load(shipped, String.class, d -> {
            tries.incrementAndGet();
            throw new RetouchException("broken");
        }));
        assertEquals("ok", store.load(shipped, String.class, d -> "ok"));
        assertEquals(1, tries.get());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T withHome(String home, java.util.function.Supplier<T> body) {
        String old = System.getProperty(ModelStore.HOME_PROPERTY);
        System.setProperty(ModelStore.HOME_PROPERTY, home);
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(ModelStore.HOME_PROPERTY);
            } else {
                System.setProperty(ModelStore.HOME_PROPERTY, old);
            }
        }
    }
}
