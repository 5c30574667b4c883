package dev.retouch.core.engine;

import dev.retouch.core.InvalidRequestException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Where a model's weights live and in which precision: the CPU in float32 (the default, and the only placement the
 * engine's self-check vouches for), or a CUDA device, in float16 unless asked otherwise. A model placed somewhere
 * takes inputs from anywhere and returns its outputs on the input's device and in the input's precision; the
 * pipelines keep their latents on the model's device in float32 and only the networks run in the placement's
 * precision. Seeded noise is always drawn on the CPU and then moved, so a seed gives the same noise on every device.
 *
 * <p>CUDA needs libtorch's CUDA natives ({@code mvn -Pgpu}); with the default CPU natives, asking for CUDA fails
 * with one error that says so.
 *
 * @param device    "cpu", "cuda" or "cuda:N"
 * @param precision the weights' floating-point type
 */
public record Placement(String device, Precision precision) {
    /** Float32 on the CPU: what every model loads as. */
    public static final Placement CPU = new Placement("cpu", Precision.FP32);

    /** The floating-point types a model can run in. */
    public enum Precision {
        FP32(torch.ScalarType.Float), FP16(torch.ScalarType.Half), BF16(torch.ScalarType.BFloat16);

        private final torch.ScalarType dtype;

        Precision(torch.ScalarType dtype) {
            this.dtype = dtype;
        }

        public torch.ScalarType dtype() {
            return dtype;
        }

        /** "fp32", "fp16" or "bf16". */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Placement {
        if (device == null || !(device.equals("cpu") || device.matches("cuda(:\\d+)?"))) {
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got " + device);
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision is required");
        }
    }

    public boolean isCpu() {
        return device.equals("cpu");
    }

    /** A new libtorch device object for {@link #device()} (the caller owns it). */
    public Device torchDevice() {
        return new Device(device);
    }

    public torch.ScalarType dtype() {
        return precision.dtype();
    }

    /** E.g. "cpu fp32", "cuda:0 fp16". */
    public String label() {
        return device + " " + precision.label();
    }

    /** True when these libtorch natives were built with CUDA and see at least one device. */
    public static boolean cudaAvailable() {
        return torch.hasCUDA() && torch.cuda_is_available();
    }

    /**
     * The placement a user asked for: {@code device} is auto (CUDA when available, else the CPU), cpu, cuda or
     * cuda:N; {@code precision} is auto (fp16 on CUDA, fp32 on the CPU), fp32, fp16 or bf16. Asking for CUDA
     * where it is missing, or for half precision on the CPU (the engine's self-check vouches for float32 CPU
     * convolutions only), fails with one {@link InvalidRequestException} naming the option and the way out.
     */
    public static Placement resolve(String device, String precision) {
        String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        String p = precision == null ? "auto" : precision.trim().toLowerCase(Locale.ROOT);
        if (!(d.equals("auto") || d.equals("cpu") || d.matches("cuda(:\\d+)?"))) {
            throw new InvalidRequestException("--device '" + device + "': expected auto, cpu, cuda or cuda:N");
        }
        if (!(p.equals("auto") || p.equals("fp32") || p.equals("fp16") || p.equals("bf16"))) {
            throw new InvalidRequestException("--precision '" + precision + "': expected auto, fp32, fp16 or bf16");
        }
        if (d.equals("auto")) {
            d = cudaAvailable() ? "cuda" : "cpu";
        } else if (d.startsWith("cuda")) {
            checkCuda(d);
        }
        Precision chosen = p.equals("auto") ? (d.equals("cpu") ? Precision.FP32 : Precision.FP16)
                : Precision.valueOf(p.toUpperCase(Locale.ROOT));
        if (d.equals("cpu") && chosen != Precision.FP32) {
            throw new InvalidRequestException("--precision " + p + " on the CPU: the engine's self-check vouches for "
                    + "float32 CPU convolutions only (libtorch's oneDNN returns wrong values on some CPUs); use fp32 "
                    + "on the CPU, half precision on CUDA");
        }
        return new Placement(d, chosen);
    }

    /** True when libtorch's CUDA build is on the class path (the gpu profile), whether or not CUDA loads. */
    static boolean gpuNatives() {
        return Placement.class.getClassLoader().getResource("org/bytedeco/pytorch/linux-x86_64-gpu/") != null;
    }

    private static void checkCuda(String d) {
        if (!torch.hasCUDA()) {
            if (gpuNatives()) {
                throw new InvalidRequestException("--device " + d + ": these are libtorch's CUDA natives, but its CUDA "
                        + "library did not load: it needs the NVIDIA driver and CUDA 13's cuBLAS, cuBLASLt, cuFFT, "
                        + "cuRAND, cuSPARSE, cuFile, NCCL 2 and cuDNN 9 on the library path (see README, GPU); or "
                        + "use --device cpu");
            }
            throw new InvalidRequestException("--device " + d + ": these libtorch natives are the CPU build. Build "
                    + "Retouch with the GPU profile (mvn -Pgpu install, on a machine with an NVIDIA driver, CUDA 13 "
                    + "and cuDNN 9) or use --device cpu");
        }
        int count = torch.cuda_device_count();
        if (count == 0 || !torch.cuda_is_available()) {
            throw new InvalidRequestException("--device " + d + ": libtorch has CUDA but sees no CUDA device (no "
                    + "NVIDIA driver, or CUDA_VISIBLE_DEVICES hides them); use --device cpu");
        }
        if (d.contains(":")) {
            int index = Integer.parseInt(d.substring(d.indexOf(':') + 1));
            if (index >= count) {
                throw new InvalidRequestException("--device " + d + ": this machine has " + count + " CUDA device"
                        + (count == 1 ? "" : "s") + " (cuda:0" + (count > 1 ? " to cuda:" + (count - 1) : "") + ")");
            }
        }
    }
}
