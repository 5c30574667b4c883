package dev.retouch.eval.bench;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.train.AdamW;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The same UNet, the same weights, the same inputs and the same thread count, timed in Retouch and in PyTorch from
 * Python ({@code scripts/torch_unet.py}, an independent re-implementation run by Debian's {@code python3-torch}):
 * forward at batch 1 and 16 (inference) and one training step at batch 16 (forward, mean squared error against a
 * fixed target, backward, AdamW). The Python run goes first and alone, then Retouch's; the batch-16 outputs of the
 * two are compared (a parity check of the whole network for free).
 *
 * <p>PyTorch is a benchmark reference here, never a runtime dependency: when {@code /usr/bin/python3} cannot import
 * torch, {@code scripts/install-torch-reference.sh} installs Debian's package (it needs root and apt).
 */
final class VsPytorch {
    /** Timings (seconds, medians) of one side. */
    record Times(double forward1, double forward16, double train16) {
    }

    /** One model's comparison. */
    record Result(String model, Times retouch, Times pytorch, double maxAbsDiff, double maxAbs, String torchVersion) {
        double forwardRatio(int batch) {
            return batch == 1 ? retouch.forward1 / pytorch.forward1 : retouch.forward16 / pytorch.forward16;
        }

        double trainRatio() {
            return retouch.train16 / pytorch.train16;
        }
    }

    private VsPytorch() {
    }

    /** The Python interpreter with torch, installing Debian's python3-torch when it is missing. */
    static String python(Path home, Consumer<String> notice) {
        String py = "/usr/bin/python3";
        if (runQuietly(List.of(py, "-c", "import torch, numpy")) == 0) {
            return py;
        }
        Path script = home.resolve("scripts/install-torch-reference.sh");
        notice.accept("PyTorch is not importable by " + py + "; installing Debian's python3-torch (" + script + ")");
        if (runQuietly(List.of("bash", script.toString())) != 0 || runQuietly(List.of(py, "-c", "import torch")) != 0) {
            throw new RetouchException("cannot compare with PyTorch: " + py + " cannot import torch and "
                    + script + " could not install Debian's python3-torch (it needs root and apt)");
        }
        return py;
    }

    /** Compares the pixel UNet of {@code dir} (emoji-ddpm-32 layout). */
    static Result pixel(Path home, String name, Path dir, UNet2DModel unet, int threads, int repeats, Generator g,
                        Consumer<String> notice) {
        int s = unet.config().sampleSize();
        Tensor x = Tensors.randn(g, 16, unet.config().inChannels(), s, s);
        Tensor t = timesteps(16);
        Tensor target = Tensors.randn(g, 16, unet.config().outChannels(), s, s);
        return compare(home, name, dir, threads, repeats, x, t, null, target, notice,
                (xx, tt, cc) -> unet.forward(xx, tt), unet);
    }

    /** Compares the conditional latent UNet of {@code dir} (emoji-ldm layout) with random text states. */
    static Result latent(Path home, String name, Path dir, UNet2DConditionModel unet, long tokens, int threads,
                         int repeats, Generator g, Consumer<String> notice) {
        var c = unet.config();
        Tensor x = Tensors.randn(g, 16, c.inChannels(), c.sampleSize(), c.sampleSize());
        Tensor t = timesteps(16);
        Tensor ctx = Tensors.randn(g, 16, tokens, c.crossAttentionDim());
        Tensor target = Tensors.randn(g, 16, c.outChannels(), c.sampleSize(), c.sampleSize());
        return compare(home, name, dir, threads, repeats, x, t, ctx, target, notice, unet::forward, unet);
    }

    private interface Net {
        Tensor forward(Tensor x, Tensor t, Tensor context);
    }

    private static Result compare(Path home, String name, Path dir, int threads, int repeats, Tensor x, Tensor t,
                                  Tensor ctx, Tensor target, Consumer<String> notice, Net net,
                                  dev.retouch.core.nn.Module module) {
        String py = python(home, notice);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("retouch-vs-pytorch");
        } catch (IOException e) {
            throw new RetouchException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            Npy.write(tmp.resolve("x.npy"), x);
            Npy.write(tmp.resolve("t.npy"), t);
            Npy.write(tmp.resolve("target.npy"), target);
            List<String> cmd = new ArrayList<>(List.of(py, home.resolve("scripts/torch_unet.py").toString(), "bench",
                    "--model", dir.toString(), "--threads", String.valueOf(threads), "--repeats",
                    String.valueOf(repeats), "--x16", tmp.resolve("x.npy").toString(), "--t16",
                    tmp.resolve("t.npy").toString(), "--target16", tmp.resolve("target.npy").toString(), "--out16",
                    tmp.resolve("y.npy").toString(), "--json"));
            if (ctx != null) {
                Npy.write(tmp.resolve("c.npy"), ctx);
                cmd.addAll(List.of("--context16", tmp.resolve("c.npy").toString()));
            }
            notice.accept("PyTorch: " + name + " (" + threads + " threads, " + repeats + " repeats)");
            String json = runForOutput(cmd, tmp.resolve("python.log"));
            @SuppressWarnings("unchecked") Map<String, Object> r = Json.fromJson(json, Map.class, "scripts/torch_unet.py output");
            Times pt = new Times(num(r, "forward1_s"), num(r, "forward16_s"), num(r, "train16_s"));
            Tensor yPy = Npy.read(tmp.resolve("y.npy"));
            notice.accept("Retouch: " + name);
            Tensor x1 = x.narrow(0, 0, 1);
            Tensor t1 = t.narrow(0, 0, 1);
            Tensor c1 = ctx == null ? null : ctx.narrow(0, 0, 1);
            double f1;
            double f16;
            Tensor y;
            try (NoGradGuard ignored = new NoGradGuard()) {
                module.eval();
                y = net.forward(x, t, ctx);
                Tensors.keep(y);
                net.forward(x1, t1, c1);
                f1 = Bench.median(repeats, () -> net.forward(x1, t1, c1));
                f16 = Bench.median(repeats, () -> net.forward(x, t, ctx));
            }
            double train = trainStep(module, net, x, t, ctx, target, repeats);
            double diff = Tensors.toFloats(y.sub(yPy).abs().max())[0];
            double scale = Tensors.toFloats(yPy.abs().max())[0];
            return new Result(name, new Times(f1, f16, train), pt, diff, scale, String.valueOf(r.get("torch_version")));
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * One training step as the Python side does it: forward, MSE against the target, backward, AdamW (lr 1e-4,
     * weight decay 1e-2), gradients cleared. Runs on a copy of the weights so the model itself stays as loaded.
     */
    private static double trainStep(dev.retouch.core.nn.Module module, Net net, Tensor x, Tensor t, Tensor ctx,
                                    Tensor target, int repeats) {
        Map<String, Tensor> saved = new java.util.LinkedHashMap<>();
        module.stateDict().forEach((k, v) -> saved.put(k, Tensors.keep(v.detach().clone())));
        try {
            module.train(true);
            AdamW opt = new AdamW(module.namedParameters(), 1e-2);
            Bench.Work step = () -> {
                opt.zeroGrad();
                Tensor loss = torch.mse_loss(net.forward(x, t, ctx), target);
                loss.backward();
                opt.step(1e-4);
            };
            step.run();
            step.run();
            return Bench.median(repeats, step);
        } finally {
            module.loadStateDict(saved, true);
            module.eval();
        }
    }

    /** Timesteps spread over the schedule: 0, 62, 124, … (as the Python side reads them, int64). */
    private static Tensor timesteps(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = (long) i * 999 / (n - 1);
        }
        return Tensor.create(v, n);
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new RetouchException("scripts/torch_unet.py did not report " + key + ": " + m);
        }
        return n.doubleValue();
    }

    private static int runQuietly(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Runs {@code cmd}; its stdout is returned, its stderr goes to {@code log} and into the error when it fails. */
    private static String runForOutput(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                String err = Files.exists(log) ? Files.readString(log) : "";
                throw new RetouchException("scripts/torch_unet.py failed (exit " + rc + "): "
                        + err.substring(Math.max(0, err.length() - 2000)));
            }
            return out.strip();
        } catch (IOException e) {
            throw new RetouchException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetouchException("interrupted while PyTorch was running", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /** NumPy's .npy format (version 1.0), little-endian float32 and int64 arrays in C order: the exchange format. */
    static final class Npy {
        private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

        private Npy() {
        }

        static void write(Path file, Tensor t) {
            boolean isLong = t.scalar_type().value == torch.ScalarType.Long.value; // JavaCPP enums: compare values
            long[] shape = t.sizes().vec().get();
            StringBuilder dims = new StringBuilder();
            for (long d : shape) {
                dims.append(d).append(", ");
            }
            String dict = "{'descr': '" + (isLong ? "<i8" : "<f4") + "', 'fortran_order': False, 'shape': ("
                    + dims.toString().replaceAll(", $", shape.length == 1 ? "," : "") + "), }";
            int pad = 64 - (MAGIC.length + 2 + dict.length() + 1) % 64;
            String header = dict + " ".repeat(pad % 64) + "\n";
            byte[] data;
            if (isLong) {
                long[] v = Tensors.toLongs(t);
                ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(v);
                data = b.array();
            } else {
                float[] v = Tensors.toFloats(t.contiguous());
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                data = b.array();
            }
            ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + header.length() + data.length)
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.put(MAGIC).putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
            try {
                Files.write(file, out.array());
            } catch (IOException e) {
                throw new RetouchException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        /** Reads a little-endian float32 C-order array. */
        static Tensor read(Path file) {
            byte[] all;
            try {
                all = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new RetouchException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), Arrays.copyOf(MAGIC, 6))) {
                throw new RetouchException(file + " is not a .npy file");
            }
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            int major = all[6];
            int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
            int start = major == 1 ? 10 : 12;
            String header = new String(all, start, headerLen, StandardCharsets.US_ASCII);
            if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True")) {
                throw new RetouchException(file + ": expected a C-order little-endian float32 array, found " + header.strip());
            }
            String dims = header.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1");
            long[] shape = Arrays.stream(dims.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            int n = (int) Arrays.stream(shape).reduce(1, (p, q) -> p * q);
            float[] v = new float[n];
            b.position(start + headerLen);
            b.asFloatBuffer().get(v);
            return Tensors.of(v, shape);
        }
    }

    /** A bench-style line for each ratio and the parity, for {@link Bench}. */
    static String describe(Result r) {
        return String.format(Locale.ROOT, "%s: Retouch %.4f / %.4f / %.4f s, PyTorch %s %.4f / %.4f / %.4f s "
                        + "(forward batch 1 / forward batch 16 / train step batch 16); max |Δ| %.2e of max |y| %.2f",
                r.model, r.retouch.forward1, r.retouch.forward16, r.retouch.train16, r.torchVersion, r.pytorch.forward1,
                r.pytorch.forward16, r.pytorch.train16, r.maxAbsDiff, r.maxAbs);
    }
}
