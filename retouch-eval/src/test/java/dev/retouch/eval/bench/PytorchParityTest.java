package dev.retouch.eval.bench;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped UNets agree with an independent re-implementation in PyTorch ({@code scripts/torch_unet.py}, run by
 * Debian's python3-torch) on the same weights and inputs: the parity half of {@code retouch bench --vs-pytorch}.
 * scripts/test.sh installs python3-torch when it is missing and requires this test to run
 * ({@code -Dretouch.requireReference=true}); elsewhere it is skipped when PyTorch is absent.
 */
class PytorchParityTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final String PY = "/usr/bin/python3";

    @TempDir
    Path tmp;

    @BeforeAll
    static void requirePytorch() throws Exception {
        boolean present = run(List.of(PY, "-c", "import torch, numpy"), null) == 0;
        if (!present && Boolean.getBoolean("retouch.requireReference")) {
            throw new AssertionError(PY + " cannot import torch: run scripts/install-torch-reference.sh");
        }
        Assumptions.assumeTrue(present, "PyTorch reference absent");
    }

    @Test
    void npyFilesRoundTripThroughNumpy() throws Exception {
        Tensor x = Tensors.randn(Tensors.generator(1), 2, 3, 4);
        VsPytorch.Npy.write(tmp.resolve("a.npy"), x);
        VsPytorch.Npy.write(tmp.resolve("t.npy"), Tensor.create(new long[]{7, 999}, 2));
        // numpy reads both, doubles the floats and writes them back
        String script = "import numpy as n,sys;a=n.load(sys.argv[1]);t=n.load(sys.argv[2]);"
                + "assert a.dtype==n.float32 and a.shape==(2,3,4) and t.dtype==n.int64 and list(t)==[7,999];"
                + "n.save(sys.argv[3],(2*a).astype(n.float32))";
        assertEquals(0, run(List.of(PY, "-c", script, tmp.resolve("a.npy").toString(), tmp.resolve("t.npy").toString(),
                tmp.resolve("b.npy").toString()), tmp.resolve("log")), () -> read(tmp.resolve("log")));
        Tensor back = VsPytorch.Npy.read(tmp.resolve("b.npy"));
        assertArrayEquals(new long[]{2, 3, 4}, Tensors.shape(back));
        assertArrayEquals(Tensors.toFloats(x.mul(Tensors.s(2))), Tensors.toFloats(back), 0f);
    }

    @Test
    void emojiDdpm32MatchesPytorch() throws Exception {
        Path dir = HOME.resolve("models/emoji-ddpm-32");
        PixelDiffusionModel m = PixelDiffusionModel.load(dir);
        Tensor x = Tensors.randn(Tensors.generator(2), 2, 3, 32, 32);
        Tensor t = Tensor.create(new long[]{10, 700}, 2);
        Tensor y;
        try (NoGradGuard ignored = new NoGradGuard()) {
            y = m.unet().forward(x, t);
        }
        assertMatches(dir, x, t, null, y);
    }

    @Test
    void emojiLdmUnetMatchesPytorch() throws Exception {
        Path dir = HOME.resolve("models/emoji-ldm");
        LatentDiffusion ld = LatentDiffusion.load(dir);
        Tensor x = Tensors.randn(Tensors.generator(3), 2, 4, 16, 16);
        Tensor t = Tensor.create(new long[]{999, 250}, 2);
        Tensor c = ld.textStates(List.of("red heart", "grinning face"), s -> { });
        Tensor y;
        try (NoGradGuard ignored = new NoGradGuard()) {
            y = ld.unet().forward(x, t, c);
        }
        assertMatches(dir, x, t, c, y);
    }

    private void assertMatches(Path dir, Tensor x, Tensor t, Tensor c, Tensor y) throws Exception {
        VsPytorch.Npy.write(tmp.resolve("x.npy"), x);
        VsPytorch.Npy.write(tmp.resolve("t.npy"), t);
        List<String> cmd = new ArrayList<>(List.of(PY, HOME.resolve("scripts/torch_unet.py").toString(), "forward",
                "--model", dir.toString(), "--x", tmp.resolve("x.npy").toString(), "--t", tmp.resolve("t.npy").toString(),
                "--out", tmp.resolve("y.npy").toString(), "--threads", "1"));
        if (c != null) {
            VsPytorch.Npy.write(tmp.resolve("c.npy"), c);
            cmd.addAll(List.of("--context", tmp.resolve("c.npy").toString()));
        }
        assertEquals(0, run(cmd, tmp.resolve("log")), () -> read(tmp.resolve("log")));
        Tensor py = VsPytorch.Npy.read(tmp.resolve("y.npy"));
        assertArrayEquals(Tensors.shape(y), Tensors.shape(py));
        double diff = y.sub(py).abs().max().item_double();
        double scale = py.abs().max().item_double();
        assertTrue(scale > 0.1, "a non-trivial output: max |y| " + scale);
        assertTrue(diff < 1e-3, dir.getFileName() + ": Retouch and PyTorch differ by " + diff + " (max |y| " + scale + ")");
    }

    private static int run(List<String> cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        return p.waitFor(5, TimeUnit.MINUTES) ? p.exitValue() : -1;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
