package dev.retouch.cli;

import dev.retouch.core.engine.CpuInfo;
import dev.retouch.core.engine.Engine;
import dev.retouch.core.engine.SelfCheck;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code retouch doctor}: the engine, this CPU, the convolution self-check's verdict and the route in force. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that this machine computes correctly: prints the engine (libtorch's oneDNN, threads), "
                + "the CPU's vector features, the convolution self-check (each route tried against float64, forward "
                + "and backward) and the workaround in force.",
                "Exit status: 0 when results can be trusted, " + DoctorCommand.UNTRUSTED + " when the route in force "
                        + "failed the self-check (results cannot be trusted), 1 on other errors.",
                "-Dretouch.convRoute=DIRECT|PAD_CHANNELS|NO_ONEDNN in JAVA_OPTS forces a route (it is still checked)."},
        footer = {"", "Examples:", "  bin/retouch doctor", "  bin/retouch doctor --recheck --json"})
final class DoctorCommand implements Callable<Integer> {
    /** Exit status when the self-check found no trustworthy route. */
    static final int UNTRUSTED = 3;

    @Mixin
    Common common;

    @Option(names = "--recheck", description = "Run the self-check again instead of reading this machine's cached verdict.")
    boolean recheck;

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
        res.put("verdict", v.trusted() ? "results can be trusted"
                : "results CANNOT be trusted: the convolution route in force failed the self-check on this CPU");
        CliSupport.print(common, res);
        return v.trusted() ? 0 : UNTRUSTED;
    }
}
