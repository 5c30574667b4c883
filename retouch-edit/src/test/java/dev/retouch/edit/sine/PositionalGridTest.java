package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The sinusoidal grid's values, crop/resize behaviour and shapes. */
class PositionalGridTest {
    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    private static double at(Tensor g, int c, int y, int x) {
        return g.get(0).get(c).get(y).get(x).item_double();
    }

    /**
     * D = 8: D/2 = 4, frequencies f_k = 10000^(−2k/4) for k = 0, 1, i.e. 1 and 0.01. Channels: 0 sin(x), 1 cos(x),
     * 2 sin(0.01x), 3 cos(0.01x), 4 sin(y), 5 cos(y), 6 sin(0.01y), 7 cos(0.01y). By hand:
     * sin(1) = 0.841471, cos(2) = −0.416147, sin(0.03) = 0.029996, cos(0.04) = 0.999200, sin(3) = 0.141120,
     * cos(0) = 1, sin(0.05) = 0.049979.
     */
    @Test
    void goldenValues() {
        Tensor g = new PositionalGrid(8, 8, 8).grid();
        assertArrayEquals(new long[]{1, 8, 8, 8}, Tensors.shape(g));
        assertEquals(0.841471, at(g, 0, 5, 1), 1e-6);   // sin(x=1), any row
        assertEquals(-0.416147, at(g, 1, 0, 2), 1e-6);  // cos(x=2)
        assertEquals(0.029996, at(g, 2, 7, 3), 1e-6);   // sin(0.01·3)
        assertEquals(0.999200, at(g, 3, 1, 4), 1e-6);   // cos(0.01·4)
        assertEquals(0.141120, at(g, 4, 3, 6), 1e-6);   // sin(y=3), any column
        assertEquals(1.0, at(g, 5, 0, 6), 1e-6);        // cos(y=0)
        assertEquals(0.049979, at(g, 6, 5, 0), 1e-6);   // sin(0.01·5)
        assertEquals(0.0, at(g, 0, 4, 0), 0.0);         // sin(0) at the origin column
    }

    @Test
    void fullCropIsTheGridAndAHalfCropIsItsSubGridResized() {
        PositionalGrid p = new PositionalGrid(8, 8, 8);
        Tensor full = p.crop(CropBox.whole(8, 8), 8, 8);
        assertEquals(0.0, full.sub(p.grid()).abs().max().item_double(), 0.0);
        assertEquals(0.0, p.whole(8, 8).sub(p.grid()).abs().max().item_double(), 0.0);
        // the top-left quarter at its own size is exactly the sub-grid
        Tensor sub = p.grid().narrow(2, 0, 4).narrow(3, 0, 4);
        assertEquals(0.0, p.crop(new CropBox(0, 0, 4, 4), 4, 4).sub(sub).abs().max().item_double(), 0.0);
        // resized to 8×8: bilinear with half-pixel centres; output (0, 0) samples input (−0.25, −0.25) → clamped
        // to cell (0, 0); output (1, 1) samples input (0.25, 0.25): 0.75·P[0] + 0.25·P[1] along x for channel 0
        Tensor half = p.crop(new CropBox(0, 0, 4, 4), 8, 8);
        assertArrayEquals(new long[]{1, 8, 8, 8}, Tensors.shape(half));
        assertEquals(0.0, at(half, 0, 0, 0), 1e-6);
        assertEquals(0.25 * Math.sin(1), at(half, 0, 1, 1), 1e-6);
        Tensor ref = torch.upsample_bilinear2d(sub.contiguous(), new long[]{8, 8}, false);
        assertEquals(0.0, half.sub(ref).abs().max().item_double(), 1e-7);
        // a crop elsewhere carries its own positions: the bottom-right quarter starts at x = 4
        assertEquals(Math.sin(4), at(p.crop(new CropBox(4, 4, 4, 4), 4, 4), 0, 0, 0), 1e-6);
    }

    @Test
    void nonSquareOutputsAndBadArguments() {
        PositionalGrid p = new PositionalGrid(8, 16, 16);
        assertArrayEquals(new long[]{1, 8, 16, 24}, Tensors.shape(p.whole(16, 24)));
        assertArrayEquals(new long[]{1, 8, 24, 16}, Tensors.shape(p.whole(24, 16)));
        assertArrayEquals(new long[]{1, 8, 32, 32}, Tensors.shape(p.whole(32, 32)));
        assertThrows(IllegalArgumentException.class, () -> new PositionalGrid(6, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> p.crop(new CropBox(10, 0, 8, 8), 16, 16));
    }
}
