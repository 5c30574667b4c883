package dev.retouch.core.io;

import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Test helpers on libtorch tensors. */
final class TorchTensors {
    private TorchTensors() {
    }

    /** The raw bytes of {@code t} (contiguous CPU). */
    static byte[] bytesOf(Tensor t) {
        Tensor c = t.cpu().contiguous();
        byte[] b = new byte[(int) c.nbytes()];
        if (b.length > 0) {
            TensorBytes.view(c, 0, b.length).get(b);
        }
        return b;
    }

    /** A tensor of {@code dtype} and {@code shape} filled with seeded random bytes. */
    static Tensor randomBytes(DType dtype, long seed, long... shape) {
        TensorInfo info = new TensorInfo("r", dtype, shape, 0, 0);
        long n = info.numel() * dtype.byteSize();
        Tensor t = TensorBytes.empty(new TensorInfo("r", dtype, shape, 0, n));
        byte[] b = new byte[(int) n];
        new Random(seed).nextBytes(b);
        if (n > 0) {
            TensorBytes.view(t, 0, b.length).put(b);
        }
        return t;
    }

    static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    static ScalarType dtype(Tensor t) {
        return t.scalar_type();
    }
}
