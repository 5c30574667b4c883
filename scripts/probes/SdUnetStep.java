import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One denoising step of a Stable-Diffusion-1.5-sized UNet (859,520,964 random float32 weights) at 64×64 latents
 * with 77 context tokens of width 768, batch 2 (a classifier-free-guided step): build time, the median of 3
 * forward passes after one warm-up, the resident memory after building (VmRSS), the peak while building, and the
 * peak while stepping (VmHWM, reset between the two through /proc/self/clear_refs).
 * Usage: scripts/probe.sh SdUnetStep [THREADS] [BATCH]
 */
public class SdUnetStep {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        dev.retouch.core.engine.Threads.set(threads);
        long a = System.nanoTime();
        UNet2DConditionModel u = new UNet2DConditionModel(UNet2DConditionConfig.stableDiffusion15());
        u.initialize(Tensors.generator(0));
        u.eval();
        double build = (System.nanoTime() - a) / 1e9;
        System.gc();
        String afterBuild = status("VmRSS") + ", peak while building " + status("VmHWM");
        Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM
        Tensor x = Tensors.keep(Tensors.randn(Tensors.generator(1), batch, 4, 64, 64));
        Tensor ctx = Tensors.keep(Tensors.randn(Tensors.generator(2), batch, 77, 768));
        Tensor t = Tensors.keep(Tensor.create(new long[]{500}, 1).expand(batch).contiguous());
        double[] s = new double[3];
        boolean finite = true;
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (int i = -1; i < s.length; i++) {
                long b = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    finite &= Tensors.allFinite(u.forward(x, t, ctx));
                }
                if (i >= 0) {
                    s[i] = (System.nanoTime() - b) / 1e9;
                }
            }
        }
        Arrays.sort(s);
        System.out.printf("parameters %d, build+init %.1f s (%s), step (batch %d, %d threads) median %.2f s of %s, "
                + "finite %s, peak while stepping %s%n", u.parameterCount(), build, afterBuild, batch, threads, s[1],
                Arrays.toString(s), finite, status("VmHWM"));
    }

    private static String status(String key) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(key + ":"))
                .findFirst().orElse(key + ": ?").replaceAll("\\s+", " ");
    }
}
