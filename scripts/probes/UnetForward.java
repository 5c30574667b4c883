import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * emoji-ddpm-32 UNet forward with a given number of intra-op threads, batch (default 16) and grad mode ("nograd",
 * the default, or "inference" for libtorch's InferenceMode): the median of 15 passes after 3 warm-ups. Run two at
 * once to see what over-subscription of a 2-core machine does.
 * Usage: scripts/probe.sh UnetForward THREADS [BATCH] [nograd|inference]
 */
public class UnetForward {
    public static void main(String[] args) throws Exception {
        dev.retouch.core.engine.Threads.set(Integer.parseInt(args[0])); // libtorch and OpenBLAS
        String home = System.getProperty("retouch.home", ".");
        var u = PixelDiffusionModel.load(Path.of(home, "models/emoji-ddpm-32")).unet();
        u.eval();
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        boolean inference = args.length > 2 && args[2].equals("inference");
        Tensor x = Tensors.keep(Tensors.randn(Tensors.generator(1), batch, 3, 32, 32));
        Tensor t = Tensors.keep(Tensor.create(new long[]{500}, 1).expand(batch).contiguous());
        double[] s = new double[15];
        try (AutoCloseable ignored = inference ? new InferenceMode() : new NoGradGuard()) {
            for (int i = -3; i < s.length; i++) {
                long a = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    u.forward(x, t);
                }
                if (i >= 0) {
                    s[i] = (System.nanoTime() - a) / 1e9;
                }
            }
        }
        Arrays.sort(s);
        System.out.printf("threads %s, %s: forward batch %d median %.4f s%n", args[0],
                inference ? "inference mode" : "no-grad", batch, s[s.length / 2]);
    }
}
