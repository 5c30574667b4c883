package dev.retouch.core.engine;

import dev.retouch.core.io.CacheDirectory;
import dev.retouch.core.io.Json;
import org.bytedeco.pytorch.global.torch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The compute engine as this process uses it: libtorch's CPU kernels, checked on this machine before the first
 * convolution by the {@link SelfCheck}, and the {@link ConvRoute} every {@link Convolution} then takes.
 *
 * <p>The verdict is cached per machine in {@code <retouch cache>/engine/<key>.json}, the key hashing the CPU's
 * vendor, model and flags, the oneDNN version, the oneDNN ISA limits in the environment and the probe set, so a
 * new CPU, library or setting is checked afresh. {@code -Dretouch.convRoute=DIRECT|PAD_CHANNELS|NO_ONEDNN}
 * forces a route (it is still checked, and reported untrusted when it fails). NNPACK is switched off by
 * {@link Convolution} before any convolution runs.
 */
public final class Engine {
    /** System property forcing a route. */
    public static final String ROUTE_PROPERTY = "retouch.convRoute";
    /** Bumped whenever the probes or routes change, so cached verdicts of older checks are not reused. */
    static final int CHECK_VERSION = 2;

    private static final AtomicReference<Verdict> VERDICT = new AtomicReference<>();

    /**
     * What the self-check found on this machine.
     *
     * @param route   the route every convolution takes
     * @param trusted whether {@code route} got every probe right
     * @param cpu     {@link CpuInfo#describe()}
     * @param onednn  the oneDNN libtorch was built with
     * @param tried   every route tried, in order
     * @param seconds how long the check took when it ran
     * @param cached  true when read from the cache rather than run in this process
     */
    public record Verdict(ConvRoute route, boolean trusted, String cpu, String onednn, List<SelfCheck.RouteResult> tried,
                          double seconds, boolean cached) {
        public Verdict {
            tried = List.copyOf(tried);
        }

        /** One line, e.g. "PAD_CHANNELS (oneDNN with channel counts zero-padded …): trusted". */
        public String summary() {
            return route.name() + " (" + route.summary() + "): " + (trusted ? "trusted" : "NOT TRUSTED");
        }
    }

    private Engine() {
    }

    /** The route for this process's convolutions (runs or reads the self-check on first use). */
    public static ConvRoute route() {
        return verdict().route();
    }

    /** The self-check's verdict for this machine, from the cache or from a check run now. */
    public static Verdict verdict() {
        Verdict v = VERDICT.get();
        return v != null ? v : establish(false);
    }

    /** Runs the self-check again, ignoring and replacing the cached verdict. */
    public static Verdict recheck() {
        return establish(true);
    }

    private static synchronized Verdict establish(boolean fresh) {
        if (!fresh && VERDICT.get() != null) {
            return VERDICT.get();
        }
        torch.globalContext().setUserEnabledMkldnn(true);
        CpuInfo cpu = CpuInfo.current();
        String onednn = torch.get_mkldnn_version().getString();
        String forced = System.getProperty(ROUTE_PROPERTY, "").trim().toUpperCase(Locale.ROOT);
        List<ConvRoute> routes = forced.isEmpty() ? List.of(ConvRoute.values()) : List.of(parse(forced));
        Path file = cacheFile(cpu, onednn, routes);
        Verdict v = fresh ? null : readCached(file);
        if (v == null) {
            v = runCheck(cpu, onednn, routes);
            writeCached(file, v);
        }
        torch.globalContext().setUserEnabledMkldnn(v.route() != ConvRoute.NO_ONEDNN);
        if (!v.trusted()) {
            System.err.println("retouch: WARNING: convolutions on this CPU (" + v.cpu() + ") failed the engine "
                    + "self-check on every route tried (" + v.route() + " is in force); results cannot be trusted. "
                    + "Run 'retouch doctor'.");
        }
        VERDICT.set(v);
        return v;
    }

    private static ConvRoute parse(String name) {
        try {
            return ConvRoute.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + ROUTE_PROPERTY + "=" + name + " is not a route; expected one of "
                    + List.of(ConvRoute.values()));
        }
    }

    /** Runs the check on a fresh thread: grad and inference modes are thread-local, and it needs gradients. */
    private static Verdict runCheck(CpuInfo cpu, String onednn, List<ConvRoute> routes) {
        AtomicReference<Object> out = new AtomicReference<>();
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                out.set(SelfCheck.tryRoutes(routes));
            } catch (Throwable e) {
                out.set(e);
            }
        }, "retouch-engine-self-check");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the engine self-check", e);
        }
        if (out.get() instanceof Throwable e) {
            throw new IllegalStateException("the engine self-check failed to run: " + e, e);
        }
        @SuppressWarnings("unchecked")
        List<SelfCheck.RouteResult> tried = (List<SelfCheck.RouteResult>) out.get();
        SelfCheck.RouteResult last = tried.get(tried.size() - 1);
        return new Verdict(last.route(), last.passed(), cpu.describe(), onednn, tried,
                (System.nanoTime() - t0) / 1e9, false);
    }

    static Path cacheFile(CpuInfo cpu, String onednn, List<ConvRoute> routes) {
        String identity = String.join("|", "v" + CHECK_VERSION, cpu.vendor(), cpu.model(),
                String.join(" ", new java.util.TreeSet<>(cpu.flags())), onednn,
                String.valueOf(System.getenv("ONEDNN_MAX_CPU_ISA")), String.valueOf(System.getenv("DNNL_MAX_CPU_ISA")),
                routes.toString());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return CacheDirectory.fromEnvironment().resolve("engine")
                    .resolve(HexFormat.of().formatHex(h, 0, 8) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached verdict, or null when there is none or it cannot be read (then the check runs again). */
    static Verdict readCached(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Verdict v = Json.read(file, Verdict.class);
            return new Verdict(v.route(), v.trusted(), v.cpu(), v.onednn(), v.tried(), v.seconds(), true);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Best effort: a cache that cannot be written only means the check runs again next time. */
    private static void writeCached(Path file, Verdict v) {
        try {
            Files.createDirectories(file.getParent());
            Json.write(file, v);
        } catch (Exception e) {
            // not cached
        }
    }
}
