package dev.retouch.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processor this process runs on, as the kernel reports it ({@code /proc/cpuinfo}; elsewhere only the
 * architecture is known): what decides which oneDNN kernels run, hence part of the self-check's cache key.
 *
 * @param vendor e.g. {@code AuthenticAMD}, or "unknown"
 * @param model  e.g. {@code AMD EPYC}, or the JVM's {@code os.arch} when nothing better is known
 * @param flags  the feature flags (e.g. {@code avx2}, {@code avx512f}); empty when unknown
 */
public record CpuInfo(String vendor, String model, Set<String> flags) {
    /** The vector extensions that select oneDNN's kernels, in the order they are reported. */
    private static final List<String> VECTOR_FLAGS = List.of("avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16");

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    /** This machine's processor. */
    public static CpuInfo current() {
        Path proc = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(proc)) {
                return parse(Files.readAllLines(proc));
            }
        } catch (IOException e) {
            // fall through: an unreadable /proc is reported as an unknown processor
        }
        return new CpuInfo("unknown", System.getProperty("os.arch"), Set.of());
    }

    /** Reads the first processor's {@code vendor_id}, {@code model name} and {@code flags} lines. */
    static CpuInfo parse(List<String> lines) {
        String vendor = "unknown";
        String model = System.getProperty("os.arch");
        Set<String> flags = new TreeSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (line.isBlank() && !flags.isEmpty()) {
                break; // the end of the first processor's block
            }
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "model name" -> model = value;
                case "flags" -> flags.addAll(List.of(value.split("\\s+")));
                default -> { }
            }
        }
        return new CpuInfo(vendor, model, flags);
    }

    /** The widest vector instruction set: {@code AVX-512}, {@code AVX2}, {@code AVX}, or {@code baseline}. */
    public String vectorIsa() {
        if (flags.contains("avx512f")) {
            return "AVX-512";
        }
        if (flags.contains("avx2")) {
            return "AVX2";
        }
        return flags.contains("avx") ? "AVX" : "baseline";
    }

    /** The vector-relevant flags this processor has, in a fixed order (e.g. "avx avx2 fma avx512f …"). */
    public String vectorFlags() {
        StringBuilder s = new StringBuilder();
        for (String f : VECTOR_FLAGS) {
            if (flags.contains(f)) {
                s.append(s.length() == 0 ? "" : " ").append(f);
            }
        }
        return s.toString();
    }

    /** One line for reports, e.g. "AuthenticAMD AMD EPYC (AVX-512: avx avx2 …)". */
    public String describe() {
        return vendor + " " + model + " (" + vectorIsa() + (flags.isEmpty() ? "" : ": " + vectorFlags()) + ")";
    }
}
