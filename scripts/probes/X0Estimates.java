import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.NoGradGuard;
import java.nio.file.Path;
/**
 * What a pixel model estimates of x₀ from 12 emoji (every image whose file-name hash is 0 mod 79) noised to t = 0, 200, 500, 800: prints the MSE to the network's own target, the x₀-MSE and
 * the mean of x̂₀ per t, and writes the 48 x̂₀ images to the directory given (12 images per t).
 * Usage: scripts/probe.sh X0Estimates MODEL_DIR OUT_DIR   e.g. models/emoji-ddpm-32 /tmp/x0
 */
public class X0Estimates { public static void main(String[] a) throws Exception {
  EmojiDataset d = EmojiDataset.load();
  var imgs = d.images().stream().filter(i -> i.image().hashCode() % 79 == 0).limit(12).toList();
  Tensor x0 = d.tensor(imgs, 32);
  var m = PixelDiffusionModel.load(Path.of(a[0])); m.unet().eval();
  java.nio.file.Files.createDirectories(Path.of(a[1]));
  int k = 0;
  try (NoGradGuard g = new NoGradGuard()) {
    for (int t : new int[]{0, 200, 500, 800}) {
      Tensor eps = Tensors.randn(Tensors.generator(1), 12, 3, 32, 32);
      Tensor xt = t == 0 ? x0 : m.schedule().addNoise(x0, eps, t);
      Tensor out = m.unet().forward(xt, PixelPipelines.timestepTensor(t, 12));
      Tensor px0 = m.schedule().maybeClip(m.schedule().predictX0(out, xt, t));
      int[] tt = new int[12]; java.util.Arrays.fill(tt, t);
      double mse = out.sub(m.schedule().target(x0, eps, tt)).square().mean().item_double();
      System.out.printf("t=%d target-mse %.4f x0-mse %.4f x0pred mean %.3f (data mean %.3f)%n", t, mse, px0.sub(x0).square().mean().item_double(), px0.mean().item_double(), x0.mean().item_double());
      for (int i = 0; i < 12; i++) Images.writePng(Path.of(String.format(a[1] + "/img%03d.png", k++)), ImageTensors.fromTensor(px0.narrow(0, i, 1)), java.util.Map.of());
    }
  }
}}
