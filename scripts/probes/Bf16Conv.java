import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Is oneDNN's bfloat16 convolution right on this CPU? Each 3×3 convolution (batch 4) runs in bf16 through plain
 * torch.conv2d (not Retouch's routed Convolution) and is compared with float64 on the same bf16-rounded inputs:
 * the error of a correct bf16 kernel is its accumulation rounding (~1e-2 here); O(1) means a wrong kernel.
 * Usage: scripts/probe.sh Bf16Conv
 */
public class Bf16Conv {
    public static void main(String[] args) {
        torch.globalContext().setUserEnabledNNPACK(false);
        torch.set_num_threads(2);
        int[][] shapes = {{3, 32, 32}, {16, 32, 16}, {24, 40, 16}, {32, 32, 32}, {48, 32, 16}, {64, 64, 16},
                {80, 64, 16}, {96, 64, 16}, {128, 64, 8}};
        long[] one = {1, 1};
        for (int[] s : shapes) {
            Tensor x = Tensors.randn(Tensors.generator(1), 4, s[0], s[2], s[2]);
            Tensor w = Tensors.randn(Tensors.generator(2), s[1], s[0], 3, 3).div(Tensors.s(Math.sqrt(9.0 * s[0])));
            Tensor xb = x.to(torch.ScalarType.BFloat16);
            Tensor wb = w.to(torch.ScalarType.BFloat16);
            Tensor ref = torch.conv2d(xb.to(torch.ScalarType.Double), wb.to(torch.ScalarType.Double),
                    new TensorOptional(), one, one, one, 1);
            Tensor y = torch.conv2d(xb, wb, new TensorOptional(), one, one, one, 1).to(torch.ScalarType.Double);
            System.out.printf("C_in %3d C_out %3d %2d px: max |bf16 - float64| %.4f (max |y| %.2f)%n", s[0], s[1], s[2],
                    y.sub(ref).abs().max().item_double(), ref.abs().max().item_double());
        }
    }
}
