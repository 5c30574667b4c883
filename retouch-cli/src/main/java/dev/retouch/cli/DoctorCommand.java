package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.ConvRoute;
import dev.retouch.core.engine.Convolution;
import dev.retouch.core.engine.CpuInfo;
import dev.retouch.core.engine.Engine;
import dev.retouch.core.engine.SelfCheck;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.io.SafetensorsHeader;
import dev.retouch.core.io.TensorInfo;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code retouch doctor}: the engine, this CPU, the convolution self-check's verdict and the route in force. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that this machine computes correctly: prints the engine (libtorch's oneDNN, threads), "
                + "the CPU's vector features, the convolution self-check (each route tried against float64, forward "
                + "and backward) and the workaround in force.",
                "Exit status: 0 when results can be trusted, " + DoctorCommand.UNTRUSTED + " when the route in force "
                        + "failed the self-check (results cannot be trusted), 1 on other errors.",
                "-Dretouch.convRoute=DIRECT|PAD_CHANNELS|NO_ONEDNN in JAVA_OPTS forces a route (it is still checked)."},
        footer = {"", "Examples:", "  bin/retouch doctor", "  bin/retouch doctor --recheck --json", "  bin/retouch doctor --models"})
final class DoctorCommand implements Callable<Integer> {
    /** Exit status when the self-check found no trustworthy route. */
    static final int UNTRUSTED = 3;

    @Mixin
    Common common;

    @Option(names = "--recheck", description = "Run the self-check again instead of reading this machine's cached verdict.")
    boolean recheck;

    @Option(names = "--models", description = "Also list every shipped model's convolutions (C_in, C_out) and which "
            + "of them the PAD_CHANNELS route pads, in inference and in training.")
    boolean models;

    /** Variables read at process start that bin/retouch sets for speed (docs/EVALUATION.md, issue 14). */
    static final Map<String, String> SPEED_VARIABLES = Map.of("OMP_WAIT_POLICY", "PASSIVE",
            "MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "1073741824",
            "MALLOC_TOP_PAD_", "268435456");

    /**
     * "as bin/retouch sets it", or which speed variables are missing: libgomp and glibc read them when the process
     * starts, so an embedding JVM must set them itself (busy-waiting threads and page-faulting tensor memory cost
     * 2–10× on small machines).
     */
    static String speedEnvironment(Map<String, String> env) {
        List<String> missing = SPEED_VARIABLES.keySet().stream().sorted().filter(k -> env.get(k) == null).toList();
        if (missing.isEmpty()) {
            return "set (" + SPEED_VARIABLES.keySet().stream().sorted().map(k -> k + "=" + env.get(k))
                    .reduce((a, b) -> a + " " + b).orElse("") + ")";
        }
        return "MISSING " + String.join(", ", missing) + ": set " + SPEED_VARIABLES.entrySet().stream()
                .filter(e -> missing.contains(e.getKey())).sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse("")
                + " before the JVM starts, as bin/retouch does (passes are 2-10x slower without)";
    }

    @Override
    public Integer call() {
        common.apply();
        Engine.Verdict v = recheck ? Engine.recheck() : Engine.verdict();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("engine", v.onednn() + ", " + torch.get_num_threads() + " threads, NNPACK off");
        res.put("cpu", CpuInfo.current().describe());
        res.put("self_check", (v.cached() ? "cached verdict for this CPU and library" : "ran now")
                + String.format(Locale.ROOT, " (%.2f s when it ran), %d probes per route", v.seconds(),
                SelfCheck.PROBES.size()));
        List<String> tried = new ArrayList<>();
        v.tried().forEach(r -> tried.add(r.describe()));
        res.put("routes_tried", common.json ? tried : "\n  " + String.join("\n  ", tried));
        res.put("route", v.route().name() + " (" + v.route().summary() + ")");
        res.put("trusted", v.trusted());
        res.put("speed_environment", speedEnvironment(System.getenv()));
        res.put("verdict", v.trusted() ? "results can be trusted"
                : "results CANNOT be trusted: the convolution route in force failed the self-check on this CPU");
        if (models) {
            res.put("models", common.json ? modelConvolutions() : "\n  " + String.join("\n  ", modelConvolutions()));
        }
        CliSupport.print(common, res);
        return v.trusted() ? 0 : UNTRUSTED;
    }

    /**
     * One line per shipped model: its convolutions (4-D {@code *.weight} tensors, stride 2 where the name says
     * {@code downsample}, as in diffusers), their channel counts, and those {@link ConvRoute#PAD_CHANNELS} pads.
     */
    static List<String> modelConvolutions() {
        List<String> lines = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Models.shippedRoot())) {
            files = walk.filter(f -> f.getFileName().toString().equals("model.safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new RetouchException("cannot list " + Models.shippedRoot() + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            SafetensorsHeader h = Safetensors.parse(f);
            TreeSet<Long> cIns = new TreeSet<>();
            TreeSet<Long> cOuts = new TreeSet<>();
            List<String> inference = new ArrayList<>();
            List<String> training = new ArrayList<>();
            int count = 0;
            for (TensorInfo t : h.tensors()) {
                long[] s = t.shape();
                if (s.length != 4 || !t.name().endsWith(".weight")) {
                    continue;
                }
                count++;
                cIns.add(s[1]);
                cOuts.add(s[0]);
                long stride = t.name().contains("downsample") ? 2 : 1;
                String conv = t.name().substring(0, t.name().length() - ".weight".length()) + " " + s[1] + "→" + s[0]
                        + (stride > 1 ? " s2" : "");
                if (padded(Convolution.padding(s[1], s[0], stride, false))) {
                    inference.add(conv);
                }
                if (padded(Convolution.padding(s[1], s[0], stride, true))) {
                    training.add(conv);
                }
            }
            lines.add(Models.shippedRoot().relativize(f.getParent()) + ": " + count + " convolutions, C_in " + cIns
                    + ", C_out " + cOuts + "; padded in inference: " + (inference.isEmpty() ? "none" : inference)
                    + "; padded in training (input gradient): " + (training.isEmpty() ? "none" : training));
        }
        return lines;
    }

    private static boolean padded(long[] extra) {
        return extra[0] != 0 || extra[1] != 0;
    }
}
