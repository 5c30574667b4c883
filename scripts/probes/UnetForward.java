import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * emoji-ddpm-32 UNet forward at batch 16 with a given number of intra-op threads: the median of 15 passes after 3
 * warm-ups. Run two at once to see what over-subscription of a 2-core machine does.
 * Usage: scripts/probe.sh UnetForward THREADS
 */
public class UnetForward {
    public static void main(String[] args) {
        torch.set_num_threads(Integer.parseInt(args[0]));
        String home = System.getProperty("retouch.home", ".");
        var u = PixelDiffusionModel.load(Path.of(home, "models/emoji-ddpm-32")).unet();
        u.eval();
        Tensor x = Tensors.keep(Tensors.randn(Tensors.generator(1), 16, 3, 32, 32));
        Tensor t = Tensors.keep(Tensor.create(new long[]{500}, 1).expand(16).contiguous());
        double[] s = new double[15];
        try (NoGradGuard ignored = new NoGradGuard()) {
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
        System.out.printf("threads %s: forward batch 16 median %.4f s%n", args[0], s[s.length / 2]);
    }
}
