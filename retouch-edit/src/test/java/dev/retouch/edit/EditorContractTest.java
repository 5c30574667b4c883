package dev.retouch.edit;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.CancelledException;
import dev.retouch.core.progress.StepListener;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.baseline.DiffEditRequest;
import dev.retouch.edit.baseline.Img2ImgRequest;
import dev.retouch.edit.baseline.SdeditRequest;
import dev.retouch.edit.baseline.TextToImageRequest;
import dev.retouch.edit.fewshot.FewshotRequest;
import dev.retouch.edit.pixelguide.PixelguideRequest;
import dev.retouch.edit.sine.SineEditRequest;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Editor} contract, checked on every editor over tiny random models: seeded determinism, heap results,
 * cancellation that leaves nothing behind, flat native memory over 200 requests (DESIGN §1), and two threads on
 * shared models giving the results of one thread.
 */
class EditorContractTest {
    private static TinyEditors e;
    private static RgbImage small;   // 8×8 for the pixel model
    private static RgbImage large;   // 16×16 for the latent model and the effect

    @BeforeAll
    static void setUp() {
        torch.set_num_threads(1);
        e = new TinyEditors();
        small = TinyEditors.image(8, 1);
        large = TinyEditors.image(16, 2);
    }

    /** One request per editor (named by its method), with short runs. */
    private static List<Case> cases(long seed) {
        return List.of(
                new Case("sdedit", l -> e.sdedit.edit(new SdeditRequest(small, 0.5, 8, seed), l).image()),
                new Case("pixelguide", l -> e.pixelguide.edit(PixelguideRequest.ofOps(small,
                        List.of("replace mouth face")).withLevel(100, 50.0).withSeed(seed), l).image()),
                new Case("img2img", l -> e.img2img.edit(new Img2ImgRequest(large, "red heart", "", 0.5, 8, 3.0,
                        SamplerKind.DPMPP_2M, seed), l).image()),
                new Case("diffedit", l -> e.diffedit.edit(new DiffEditRequest(large, "cat face", "grinning face", 0.6,
                        10, 3.0, seed), l).image()),
                new Case("generate", l -> e.generate.edit(new TextToImageRequest("cat face", "", 2, 4, 3.0,
                        SamplerKind.DDIM, seed), l).image()),
                new Case("sine", l -> e.sine.edit(new SineEditRequest(e.sine.request("thumbs up").sine().with(0.7, 300),
                        4, SamplerKind.DDIM, seed, false, false), l).image()),
                new Case("sine fine-tuned only", l -> e.sine.edit(new SineEditRequest(e.sine.request("sun").sine(), 4,
                        SamplerKind.DDIM, seed, true, false), l).image()),
                new Case("sine, v per image", l -> e.sine.edit(new SineEditRequest(e.sine.request("red heart").sine(),
                        4, SamplerKind.DDIM, seed, false, true), l).image()),
                new Case("fewshot", l -> e.fewshot.edit(FewshotRequest.of(large).withSeed(seed), l).image()),
                new Case("portrait (code mask, latent blend)", l -> e.portrait.edit(
                        new dev.retouch.edit.portrait.PortraitEditRequest(large, "woman",
                                dev.retouch.edit.portrait.PortraitEditRequest.Scales.CODE, 4,
                                dev.retouch.edit.portrait.MaskSettings.CODE, seed), l).image()),
                new Case("portrait (paper mask, Eq. 3)", l -> e.portrait.edit(
                        new dev.retouch.edit.portrait.PortraitEditRequest(large, "man",
                                dev.retouch.edit.portrait.PortraitEditRequest.Scales.PAPER, 4,
                                dev.retouch.edit.portrait.MaskSettings.PAPER, seed), l).image()));
    }

    private record Case(String name, Run run) {
    }

    @FunctionalInterface
    private interface Run {
        RgbImage apply(StepListener listener);
    }

    @Test
    void sameRequestSameImageOtherSeedOtherImage() {
        List<Case> one = cases(7);
        List<Case> again = cases(7);
        List<Case> other = cases(8);
        for (int i = 0; i < one.size(); i++) {
            RgbImage a = one.get(i).run().apply(StepListener.NONE);
            RgbImage b = again.get(i).run().apply(StepListener.NONE);
            RgbImage c = other.get(i).run().apply(StepListener.NONE);
            assertArrayEquals(a.chw(), b.chw(), one.get(i).name() + ": same seed, same pixels");
            assertFalse(java.util.Arrays.equals(a.chw(), c.chw()), one.get(i).name() + ": another seed changes it");
            for (float v : a.chw()) {
                assertTrue(v >= 0 && v <= 1, one.get(i).name() + ": pixel " + v + " outside [0, 1]");
            }
        }
    }

    @Test
    void cancellingStopsAtTheStepAndReleasesEverything() {
        for (Case c : cases(3)) {
            c.run().apply(StepListener.NONE); // first-use allocations (kernels, caches) are not the run's
            long before = Pointer.totalCount();
            int[] seen = {0};
            CancelledException x = assertThrows(CancelledException.class, () -> c.run().apply((step, total, m) -> {
                seen[0]++;
                return step < 2;
            }), c.name());
            assertEquals(2, x.step(), c.name());
            assertEquals(2, seen[0], c.name() + ": no step after the cancelling one");
            long after = Pointer.totalCount();
            assertTrue(after - before <= 0, c.name() + ": live native objects " + before + " → " + after
                    + " after a cancelled run");
        }
    }

    @Test
    void twoHundredRequestsKeepNativeMemoryFlat() {
        List<Case> cs = cases(11);
        // a warm-up round of the same mix: first-use allocations (kernels, caches)
        for (int round = 0; round < 1; round++) {
            for (Case c : cs) {
                c.run().apply(StepListener.NONE);
                try {
                    c.run().apply((step, total, m) -> step < 1);
                } catch (CancelledException expected) {
                    // cancelled, as asked
                }
            }
        }
        System.gc();
        long rss0 = vmRss();
        long live0 = Pointer.totalCount();
        int requests = 0;
        int cancelled = 0;
        long rssMid = 0;
        while (requests < 200) {
            for (Case c : cs) {
                if (requests % 5 == 4) {
                    try {
                        c.run().apply((step, total, m) -> step < 1);
                    } catch (CancelledException expected) {
                        cancelled++;
                    }
                } else {
                    c.run().apply(StepListener.NONE);
                }
                requests++;
            }
            if (rssMid == 0 && requests >= 100) {
                System.gc();
                rssMid = vmRss();
            }
        }
        long live1 = Pointer.totalCount(); // before any GC: only scopes and explicit releases freed objects
        System.gc();
        long rss1 = vmRss();
        System.out.printf("editors: %d requests (%d cancelled); live native objects %d → %d; VmRSS %.1f → %.1f (at "
                + "100) → %.1f MB%n", requests, cancelled, live0, live1, rss0 / 1e6, rssMid / 1e6, rss1 / 1e6);
        assertTrue(cancelled >= 35, "cancelled requests: " + cancelled);
        assertTrue(live1 - live0 <= 0, "live native objects grew " + live0 + " → " + live1);
        // resident memory is a coarse check only: scripts/test.sh keeps freed memory in glibc's heap (MALLOC_TOP_PAD_
        // 256 MB, trim threshold 1 GB), and there VmRSS swings by up to ~90 MB between readings with live native
        // objects flat (measured: 355 → 347 at 100 requests → 381 MB); the exact leak check is the native-object
        // count above. Bounded by the pad:
        assertTrue(rss1 - rss0 < 150_000_000L, "resident memory grew by " + (rss1 - rss0) / 1e6 + " MB");
    }

    @Test
    void twoThreadsOnSharedModelsGiveTheSequentialResults() throws Exception {
        List<Case> cs = cases(21);
        List<float[]> sequential = new ArrayList<>();
        for (Case c : cs) {
            sequential.add(c.run().apply(StepListener.NONE).chw());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (Case c : cs) {
                    Callable<float[]> task = () -> {
                        torch.set_num_threads(1);
                        return c.run().apply(StepListener.NONE).chw();
                    };
                    futures.add(pool.submit(task));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                Case c = cs.get(i % cs.size());
                assertArrayEquals(sequential.get(i % cs.size()), futures.get(i).get(), c.name()
                        + ": concurrent run differs from the sequential one");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static long vmRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
