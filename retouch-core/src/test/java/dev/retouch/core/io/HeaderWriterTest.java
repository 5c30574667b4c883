package dev.retouch.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.retouch.core.RetouchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The torch-free half of the writer, and the dtype mapping. */
class HeaderWriterTest {
    private static HeaderWriter.Planned p(String name, DType dtype, long... shape) {
        return new HeaderWriter.Planned(name, dtype, shape);
    }

    @Test
    void layoutSortsByDtypeThenUtf8NameLikeRust() {
        // UTF-16 order would put the emoji (a surrogate pair) before U+FFFF; Rust compares UTF-8 bytes.
        List<TensorInfo> layout = HeaderWriter.layout(List.of(p("\uFFFF", DType.U8, 1), p("😀", DType.U8, 1),
                p("é", DType.U8, 1), p("z", DType.U8, 1), p("w", DType.F64, 2), p("b", DType.BF16, 3)));
        assertEquals(List.of("w", "b", "z", "é", "\uFFFF", "😀"), layout.stream().map(TensorInfo::name).toList());
        assertEquals(new TensorInfo("b", DType.BF16, new long[] {3}, 16, 22), layout.get(1));
        byte[] header = HeaderWriter.encode(Map.of(), layout);
        assertEquals(0, header.length % 8);
        assertEquals(layout, Safetensors.parse(StBytes.file(header, new byte[26]), "x").tensors());
    }

    @Test
    void reservedNameIsRefused() {
        assertThrows(RetouchException.class, () -> HeaderWriter.layout(List.of(p("__metadata__", DType.U8))));
    }

    @Test
    void everyTorchDtypeMapsBothWays() {
        for (DType d : DType.values()) {
            if (d.hasScalarType()) {
                assertSame(d, DType.of(d.scalarType()), d.name());
            } else {
                assertThrows(RetouchException.class, d::scalarType);
                assertThrows(UnsupportedOperationException.class, d::byteSize);
            }
        }
    }
}
