import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A pixel UNet in float32 and under bfloat16 autocast (batch 16, 2 threads): forward and forward + backward times
 * (medians of 5) and how far the bf16 output is from the float32 one.
 * Usage: scripts/probe.sh Bf16Unet [model directory, default models/emoji-ddpm-32]
 */
public class Bf16Unet {
    static double median(Runnable r) {
        r.run();
        r.run();
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long a = System.nanoTime();
            try (PointerScope ignored = new PointerScope()) {
                r.run();
            }
            t[i] = (System.nanoTime() - a) / 1e9;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    public static void main(String[] args) {
        torch.set_num_threads(2);
        String home = System.getProperty("retouch.home", ".");
        PixelDiffusionModel m = PixelDiffusionModel.load(Path.of(args.length > 0 ? args[0] : home + "/models/emoji-ddpm-32"));
        var u = m.unet();
        u.train(true);
        int s = u.config().sampleSize();
        Tensor x = Tensors.keep(Tensors.randn(Tensors.generator(1), 16, 3, s, s));
        Tensor target = Tensors.keep(Tensors.randn(Tensors.generator(2), 16, 3, s, s));
        long[] tv = new long[16];
        for (int i = 0; i < 16; i++) {
            tv[i] = i * 60L;
        }
        Tensor t = Tensors.keep(Tensor.create(tv, 16));
        Tensor y32;
        try (NoGradGuard ignored = new NoGradGuard()) {
            y32 = Tensors.keep(u.forward(x, t));
            System.out.printf("float32 forward             %.4f s%n", median(() -> u.forward(x, t)));
        }
        System.out.printf("float32 forward + backward  %.4f s%n",
                median(() -> torch.mse_loss(u.forward(x, t), target).backward()));
        torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor d = u.forward(x, t).to(torch.ScalarType.Float).sub(y32).abs();
            System.out.printf("bf16 vs float32 output: max |d| %.3f, mean |d| %.4f, mean |y| %.4f%n",
                    d.max().item_double(), d.mean().item_double(), y32.abs().mean().item_double());
            System.out.printf("bf16 forward                %.4f s%n", median(() -> u.forward(x, t)));
        }
        System.out.printf("bf16 forward + backward     %.4f s%n",
                median(() -> torch.mse_loss(u.forward(x, t).to(torch.ScalarType.Float), target).backward()));
    }
}
