package dev.retouch.core.io;

import dev.retouch.core.RetouchException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The element types of the safetensors format, spelled as in the file ({@code "F32"}, {@code "BF16"}, ...).
 *
 * <p>The declaration order is the reference implementation's ({@code Dtype} in huggingface/safetensors
 * {@code tensor.rs}): increasing alignment. The writer sorts tensors by this order, descending, so that every
 * tensor's data starts aligned to its element size.
 *
 * <p>{@link #F4}, {@link #F6_E2M3} and {@link #F6_E3M2} are narrower than a byte: the reader validates them (the
 * total bit count must be a whole number of bytes) but they have no libtorch equivalent to load into.
 */
public enum DType {
    BOOL(8, "Bool"),
    F4(4, null),
    F6_E2M3(6, null),
    F6_E3M2(6, null),
    U8(8, "Byte"),
    I8(8, "Char"),
    F8_E5M2(8, "Float8_e5m2"),
    F8_E4M3(8, "Float8_e4m3fn"),
    F8_E8M0(8, "Float8_e8m0fnu"),
    I16(16, "Short"),
    U16(16, "UInt16"),
    F16(16, "Half"),
    BF16(16, "BFloat16"),
    I32(32, "Int"),
    U32(32, "UInt32"),
    F32(32, "Float"),
    C64(64, "ComplexFloat"),
    F64(64, "Double"),
    I64(64, "Long"),
    U64(64, "UInt64");

    private final int bits;
    /** Name of the libtorch {@link ScalarType}, resolved lazily so this enum stays usable without natives. */
    private final String scalarTypeName;

    DType(int bits, String scalarTypeName) {
        this.bits = bits;
        this.scalarTypeName = scalarTypeName;
    }

    /** Bits per element (4 for {@link #F4}, 6 for the F6 types, a multiple of 8 otherwise). */
    public int bits() {
        return bits;
    }

    /** Bytes per element; only for whole-byte types (everything except {@link #F4} and the F6 types). */
    public int byteSize() {
        if (bits % 8 != 0) {
            throw new UnsupportedOperationException(name() + " elements are " + bits + " bits, not whole bytes");
        }
        return bits / 8;
    }

    /** The dtype spelled {@code name} in a safetensors header (exact, case-sensitive), if known. */
    public static Optional<DType> fromName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** All names, comma-separated, for error messages. */
    static String knownNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** Whether libtorch has an equivalent scalar type (false only for F4 and the F6 types). */
    public boolean hasScalarType() {
        return scalarTypeName != null;
    }

    /** The libtorch scalar type this dtype loads into. */
    public ScalarType scalarType() {
        if (scalarTypeName == null) {
            throw new RetouchException("safetensors dtype " + name() + " (" + bits
                    + "-bit) has no libtorch scalar type; expected one of the whole-byte dtypes");
        }
        return ScalarType.valueOf(scalarTypeName);
    }

    /** The dtype a libtorch scalar type is stored as. */
    public static DType of(ScalarType scalarType) {
        // JavaCPP returns fresh enum objects from native calls; intern() gives the declared constant.
        ScalarType canonical = scalarType.intern();
        for (DType d : values()) {
            if (canonical.name().equals(d.scalarTypeName)) {
                return d;
            }
        }
        throw new RetouchException("libtorch scalar type " + canonical.name()
                + " cannot be stored in safetensors; expected one of "
                + Arrays.stream(values()).filter(DType::hasScalarType).map(d -> d.scalarTypeName)
                        .collect(Collectors.joining(", ")));
    }
}
