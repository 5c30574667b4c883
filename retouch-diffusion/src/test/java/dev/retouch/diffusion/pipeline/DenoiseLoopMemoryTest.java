package dev.retouch.diffusion.pipeline;

import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.DPMSolverMultistepScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.TimestepSpacing;
import dev.retouch.diffusion.schedule.Timesteps;
import dev.retouch.diffusion.unet.UNet2DConfig;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DESIGN §1: a test runs many steps and asserts resident memory stays flat. */
class DenoiseLoopMemoryTest {

    /** Resident set size of this process in bytes, from /proc/self/status. */
    static long vmRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /**
     * Records, at one point of the run, the number of live JavaCPP-owned native objects (before any garbage
     * collection, so only pointer scopes and explicit releases can have freed them) and then VmRSS after a GC (so
     * that Java-heap garbage, which the JVM touches page by page, does not count as native growth).
     */
    private static void probe(long[] pointers, long[] rss, int slot) {
        pointers[slot] = Pointer.totalCount();
        System.gc();
        rss[slot] = vmRss();
    }

    @Test
    void twoThousandSamplingStepsKeepResidentMemoryFlat() {
        torch.set_num_threads(1);
        UNet2DModel unet = new UNet2DModel(UNet2DConfig.tiny());
        unet.initialize(Tensors.generator(0));
        unet.eval();
        NoiseSchedule schedule = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        Scheduler ddim = new DDIMScheduler(schedule, Timesteps.spaced(1000, 1000, TimestepSpacing.LEADING), 0.0);
        Denoiser model = PixelPipelines.denoiser(unet);
        Tensor xT = Tensors.randn(Tensors.generator(1), 1, 3, 8, 8);

        long[] rss = new long[4];
        long[] pointers = new long[4];
        int[] steps = {0};
        StepListener probe = (step, total, metric) -> {
            steps[0]++;
            switch (steps[0]) {
                case 100 -> probe(pointers, rss, 0);
                case 1000 -> probe(pointers, rss, 1);
                case 1500 -> probe(pointers, rss, 2);
                default -> {
                }
            }
            return true;
        };
        long t0 = System.nanoTime();
        Tensor first = DenoiseLoop.run(model, ddim, xT, null, LoopHooks.progress(probe));
        float[] firstValues = Tensors.toFloats(first);
        Tensor second = DenoiseLoop.run(model, ddim, xT, null, LoopHooks.progress(probe));
        Tensors.release(first);
        probe(pointers, rss, 3);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertEquals(2000, steps[0]);
        assertArrayEquals(firstValues, Tensors.toFloats(second), "deterministic DDIM repeats exactly");
        assertTrue(Tensors.allFinite(second));
        long growth = rss[3] - rss[0];
        System.out.printf("denoise loop: 2000 steps in %.1f s; VmRSS after 100 steps %.1f MB, 1000 %.1f MB,"
                        + " 1500 %.1f MB, 2000 %.1f MB; growth %.2f MB (%.2f MB since step 1000); live native objects"
                + " %d, %d, %d, %d%n", seconds, rss[0] / 1e6, rss[1] / 1e6, rss[2] / 1e6, rss[3] / 1e6, growth / 1e6,
                (rss[3] - rss[1]) / 1e6,
                pointers[0], pointers[1], pointers[2], pointers[3]);
        assertTrue(growth < 50_000_000L, "resident memory grew by " + growth / 1e6 + " MB over 1900 steps");
        assertTrue(rss[3] - rss[1] < 50_000_000L, "resident memory grew by " + (rss[3] - rss[1]) / 1e6
                + " MB over the last 1000 steps");
        // every step's tensors die with its scope: counted before any GC, the last 1000 steps leave at most a
        // handful of objects more than step 1000 did (the probe at step 100 already collected the set-up garbage;
        // one object retained per step would add 1000)
        assertTrue(pointers[3] - pointers[1] < 20, "live native objects " + pointers[1] + " → " + pointers[3]);
        Tensors.release(second);
    }

    @Test
    void multistepHistoryLivesOneStepAndIsFreedAfterTheRun() {
        // DPM-Solver++ keeps each step's x̂₀ past the loop's per-step scope: the count of live native objects must
        // stay flat during the run and return to its level before the run once it ends
        NoiseSchedule schedule = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        Scheduler dpm = new DPMSolverMultistepScheduler(schedule, Timesteps.spaced(1000, 1000, TimestepSpacing.LEADING),
                true);
        Denoiser model = (x, t) -> x.mul(Tensors.s(0.5));
        Tensor xT = Tensors.randn(Tensors.generator(1), 1, 3, 8, 8);
        long[] live = new long[3];
        int[] steps = {0};
        StepListener probe = (step, total, metric) -> {
            steps[0]++;
            if (steps[0] == 100 || steps[0] == 900) {
                live[steps[0] == 100 ? 0 : 1] = Pointer.totalCount();
            }
            return true;
        };
        Tensor warm = DenoiseLoop.run(model, dpm, xT, null, LoopHooks.NONE); // loads whatever is loaded once
        Tensors.release(warm);
        long before = Pointer.totalCount();
        Tensor x = DenoiseLoop.run(model, dpm, xT, null, LoopHooks.progress(probe));
        Tensors.release(x);
        live[2] = Pointer.totalCount();
        assertTrue(Tensors.allFinite(xT));
        assertTrue(live[1] - live[0] < 20, "live native objects during the run " + live[0] + " → " + live[1]);
        assertTrue(live[2] - before < 5, "live native objects before and after the run " + before + " → " + live[2]);
    }
}
