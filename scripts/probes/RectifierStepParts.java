import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.rectifier.RectifiedModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The parts of one rectified denoising step of emoji-ddpm-32 (paper 002), batch B (default 16), one thread: the whole
 * UNet, its down path, its middle and up blocks, the rectifier network and the rectified step, medians of 9 after 2
 * warm-ups. The floor of the design is (whole UNet + rectifier + middle and up blocks) / whole UNet.
 * Usage: scripts/probe.sh RectifierStepParts [BATCH]
 */
public class RectifierStepParts {
    static double med(Runnable r, int n) {
        double[] v = new double[n];
        for (int i = -2; i < n; i++) {
            long a = System.nanoTime();
            try (PointerScope s = new PointerScope()) { r.run(); }
            if (i >= 0) v[i] = (System.nanoTime() - a) / 1e9;
        }
        Arrays.sort(v); return v[n / 2];
    }
    public static void main(String[] args) throws Exception {
        dev.retouch.core.engine.Threads.set(1);
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        Path home = Path.of(System.getProperty("retouch.home", "."));
        PixelDiffusionModel base = PixelDiffusionModel.load(home.resolve("models/emoji-ddpm-32"));
        base.unet().eval();
        RectifiedModel rm = RectifiedModel.of(base, home.resolve("models/emoji-ddpm-32"),
                home.resolve("models/rectifier-emoji-ddpm-32"), n -> home.resolve("models").resolve(n));
        int s = base.sampleSize();
        Tensor x0 = Tensors.keep(Tensors.rand(Tensors.generator(1), batch, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1)));
        Tensor xt = Tensors.keep(Tensors.randn(Tensors.generator(2), batch, 3, s, s));
        int[] t = new int[batch]; Arrays.fill(t, 500);
        Tensor tt = Tensors.keep(Tensor.create(new long[]{500}, 1).expand(batch).contiguous());
        try (NoGradGuard ignored = new NoGradGuard()) {
            var down = base.unet().encode(xt, tt);
            double full = med(() -> base.unet().forward(xt, tt), 9);
            double enc = med(() -> base.unet().encode(xt, tt), 9);
            double dec = med(() -> base.unet().decode(down), 9);
            double rect = med(() -> rm.rectifier().forward(x0, x0, tt), 9);
            double all = med(() -> rm.forward(xt, t, x0), 9);
            System.out.printf("batch %d: whole UNet %.4f s (down path %.4f, middle and up %.4f), rectifier network %.4f,"
                    + " rectified step %.4f (%.2fx); floor (whole + rectifier + middle and up) %.2fx%n", batch, full,
                    enc, dec, rect, all, all / full, (full + rect + dec) / full);
        }
    }
}
