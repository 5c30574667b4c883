package dev.retouch.core.tensor;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRef;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/** Small helpers over bytedeco tensors: creation from Java arrays, read-back, scalars, shapes, seeded noise. */
public final class Tensors {
    private Tensors() {
    }

    /**
     * A float32 CPU tensor holding a copy of {@code data} with the given shape. The array must fill the shape
     * exactly (libtorch would otherwise read past the end of a short array).
     */
    public static Tensor of(float[] data, long... shape) {
        checkFills(data.length, shape);
        return Tensor.create(data, shape);
    }

    /** An int64 CPU tensor holding a copy of {@code data} with the given shape (indices, token ids). */
    public static Tensor ofLongs(long[] data, long... shape) {
        checkFills(data.length, shape);
        return Tensor.create(data, shape);
    }

    /** 0, 1, …, n − 1 as an int64 tensor (positions, indices). */
    public static Tensor arange(long n) {
        return torch.arange(s(n)).to(torch.ScalarType.Long);
    }

    /** A copy of a tensor's values as int64, in row-major order (read back from any device). */
    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().cpu().to(torch.ScalarType.Long).contiguous();
        long[] out = new long[(int) c.numel()];
        new org.bytedeco.javacpp.LongPointer(c.data_ptr()).get(out);
        return out;
    }

    private static void checkFills(int length, long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape)
                    + " (" + n + " elements)");
        }
    }

    /** A copy of a tensor's values as float32, in row-major order (read back from any device). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().cpu().to(torch.ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr()).get(out);
        return out;
    }

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    public static String shapeString(Tensor t) {
        return Arrays.toString(shape(t));
    }

    public static Scalar s(double v) {
        return new Scalar(v);
    }

    /**
     * Runs {@code f} in its own pointer scope: the intermediates it makes are released when it returns, and its
     * result joins the caller's innermost scope (with no scope open, everything is left to the garbage collector as
     * before). Without it, a pass under one scope keeps every intermediate of the whole pass alive until the scope
     * closes (at Stable Diffusion's size, gigabytes). Gradients are unaffected: autograd keeps what it saved.
     */
    public static Tensor scoped(java.util.function.Supplier<Tensor> f) {
        PointerScope outer = PointerScope.getInnerScope();
        if (outer == null) {
            return f.get();
        }
        try (PointerScope inner = new PointerScope()) {
            Tensor y = f.get();
            outer.attach(y); // one more reference, dropped with the caller's scope
            return y;
        }
    }

    /** Concatenates along {@code dim}. */
    public static Tensor cat(long dim, Tensor... parts) {
        return torch.cat(new TensorArrayRef(new TensorVector(parts)), dim);
    }

    /** Standard normal noise of {@code shape} drawn from {@code gen} (float32, CPU). */
    public static Tensor randn(Generator gen, long... shape) {
        return torch.randn(shape, new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Float));
    }

    /**
     * Standard normal noise of {@code shape} drawn from {@code gen} on the CPU (so that a seed gives the same noise on
     * every device), then placed on {@code like}'s device in {@code like}'s floating-point type.
     */
    public static Tensor randn(Generator gen, Tensor like, long... shape) {
        return placedLike(like, randn(gen, shape));
    }

    /** {@link #randn(Generator, Tensor, long...)} of {@code like}'s own shape. */
    public static Tensor randnLike(Generator gen, Tensor like) {
        return randn(gen, like, shape(like));
    }

    /** {@code t} on {@code like}'s device in {@code like}'s type ({@code t} itself when both already match). */
    public static Tensor placedLike(Tensor like, Tensor t) {
        return t.to(like, false, false, new org.bytedeco.pytorch.MemoryFormatOptional());
    }

    /** {@code t} on {@code like}'s device, keeping its own type (indices stay integers). */
    public static Tensor onDeviceOf(Tensor like, Tensor t) {
        return t.to(like.device(), dtype(t));
    }

    /** Uniform [0, 1) noise of {@code shape} drawn from {@code gen}. */
    public static Tensor rand(Generator gen, long... shape) {
        return torch.rand(shape, new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Float));
    }

    /** A CPU generator seeded with {@code seed}. */
    public static Generator generator(long seed) {
        Generator g = torch.createCPUGenerator(seed);
        return keep(g);
    }

    /**
     * Makes a native object outlive the innermost {@link PointerScope} (if any) by taking one extra reference; the
     * scope's close drops its own. (Note: {@code PointerScope.detach} would release the only reference and free
     * the object at once.) The object is then freed by {@link #release} or by the garbage collector.
     */
    public static <P extends org.bytedeco.javacpp.Pointer> P keep(P p) {
        if (PointerScope.getInnerScope() != null) {
            p.retainReference();
        }
        return p;
    }

    /** Frees a kept object now rather than at garbage collection. */
    public static void release(org.bytedeco.javacpp.Pointer p) {
        p.releaseReference();
    }

    /**
     * The declared {@link torch.ScalarType} constant of a tensor. JavaCPP may return enum instances that are not the
     * declared constants ({@code ==} fails and {@code name()} can be null), so always go through this.
     */
    public static torch.ScalarType dtype(Tensor t) {
        int v = t.scalar_type().value;
        for (torch.ScalarType s : torch.ScalarType.values()) {
            if (s.value == v) {
                return s;
            }
        }
        throw new IllegalStateException("unknown scalar type value " + v);
    }

    /** True when every element is finite (no NaN, no infinity). */
    public static boolean allFinite(Tensor t) {
        return t.isfinite().all().item_bool();
    }
}
