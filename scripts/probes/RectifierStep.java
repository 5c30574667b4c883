import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.rectifier.RectifiedModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One denoising step of emoji-ddpm-32 with and without its shipped rectifier (paper 002), batch B (default 16), one
 * thread by default: the median of 15 passes after 3 warm-ups each, alternating, and their ratio (the per-step
 * overhead of the rectifier); then the parts of a rectified step (medians of 9) and the design's floor.
 * Usage: scripts/probe.sh RectifierStep [THREADS] [BATCH]
 */
public class RectifierStep {
    public static void main(String[] args) throws Exception {
        dev.retouch.core.engine.Threads.set(args.length > 0 ? Integer.parseInt(args[0]) : 1);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path home = Path.of(System.getProperty("retouch.home", "."));
        PixelDiffusionModel base = PixelDiffusionModel.load(home.resolve("models/emoji-ddpm-32"));
        base.unet().eval();
        RectifiedModel rm = RectifiedModel.of(base, home.resolve("models/emoji-ddpm-32"),
                home.resolve("models/rectifier-emoji-ddpm-32"), n -> home.resolve("models").resolve(n));
        int s = base.sampleSize();
        Tensor x0 = Tensors.keep(Tensors.rand(Tensors.generator(1), batch, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1)));
        Tensor xt = Tensors.keep(Tensors.randn(Tensors.generator(2), batch, 3, s, s));
        int[] t = new int[batch];
        Arrays.fill(t, 500);
        Tensor tt = Tensors.keep(Tensor.create(new long[]{500}, 1).expand(batch).contiguous());
        double[] plain = new double[15];
        double[] rect = new double[15];
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (int i = -3; i < plain.length; i++) {
                long a = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    base.unet().forward(xt, tt);
                }
                long b = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    rm.forward(xt, t, x0);
                }
                long c = System.nanoTime();
                if (i >= 0) {
                    plain[i] = (b - a) / 1e9;
                    rect[i] = (c - b) / 1e9;
                }
            }
        }
        Arrays.sort(plain);
        Arrays.sort(rect);
        System.out.printf("batch %d: base step median %.4f s, rectified %.4f s, overhead %.2fx%n", batch, plain[7],
                rect[7], rect[7] / plain[7]);
        // the parts of a rectified step, and the design's floor: x̂₀ needs the whole UNet, then the rectifier and the
        // middle and up blocks again, however cheap the modulation
        try (NoGradGuard ignored = new NoGradGuard()) {
            var down = base.unet().encode(xt, tt);
            double full = median(() -> base.unet().forward(xt, tt));
            double enc = median(() -> base.unet().encode(xt, tt));
            double dec = median(() -> base.unet().decode(down));
            double net = median(() -> rm.rectifier().forward(x0, x0, tt));
            System.out.printf("parts: whole UNet %.4f s (down path %.4f, middle and up %.4f), rectifier network %.4f; "
                    + "floor (whole + rectifier + middle and up) / whole = %.2fx%n", full, enc, dec, net,
                    (full + net + dec) / full);
        }
    }

    /** Median of 9 runs after 2 warm-ups, each in its own pointer scope. */
    private static double median(Runnable r) {
        double[] v = new double[9];
        for (int i = -2; i < v.length; i++) {
            long a = System.nanoTime();
            try (PointerScope scope = new PointerScope()) {
                r.run();
            }
            if (i >= 0) {
                v[i] = (System.nanoTime() - a) / 1e9;
            }
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
