import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.train.AdamW;
import dev.retouch.diffusion.train.Ema;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a training step of a pixel UNet goes: forward alone, forward + backward, the AdamW update, gradient
 * clipping, the EMA update and the whole step (batch 16, 2 threads, medians of 7 after 2 warm-ups).
 * Usage: scripts/probe.sh TrainStepParts [model directory, default models/emoji-ddpm-32] [threads, default 2]
 */
public class TrainStepParts {
    static double median(Runnable r) {
        r.run();
        r.run();
        double[] t = new double[7];
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
        dev.retouch.core.engine.Threads.set(args.length > 1 ? Integer.parseInt(args[1]) : 2); // libtorch and OpenBLAS
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
        AdamW opt = new AdamW(u.namedParameters(), 1e-2);
        Ema ema = new Ema(u.stateDict(), 0.999);
        Runnable fb = () -> {
            opt.zeroGrad();
            torch.mse_loss(u.forward(x, t), target).backward();
        };
        System.out.printf("forward (grad mode)   %.4f s%n", median(() -> u.forward(x, t)));
        System.out.printf("forward + backward    %.4f s%n", median(fb));
        fb.run();
        System.out.printf("AdamW step            %.4f s%n", median(() -> opt.step(1e-4)));
        System.out.printf("clip gradient norm    %.4f s%n", median(() -> opt.clipGradNorm(1.0)));
        System.out.printf("EMA update            %.4f s%n", median(() -> ema.update(100)));
        System.out.printf("whole step            %.4f s%n", median(() -> {
            fb.run();
            opt.clipGradNorm(1.0);
            opt.step(1e-4);
            ema.update(100);
        }));
        System.out.printf("parameter tensors     %d%n", u.parameters().size());
    }
}
