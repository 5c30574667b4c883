package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.engine.ConvRoute;
import dev.retouch.core.engine.Engine;
import dev.retouch.core.engine.SelfCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorCommandTest {
    @Test
    void reportsTheRouteInForceAndExitsZeroWhenItIsTrusted() throws Exception {
        CliRun r = CliRun.run("doctor", "--json");
        JsonNode j = CliRun.JSON.readTree(r.out());
        Engine.Verdict v = Engine.verdict();
        assertEquals(v.trusted() ? 0 : DoctorCommand.UNTRUSTED, r.code(), r.err());
        assertTrue(j.get("route").asText().startsWith(v.route().name()), r.out());
        assertEquals(v.trusted(), j.get("trusted").asBoolean());
        assertEquals(v.tried().size(), j.get("routes_tried").size());
        assertTrue(j.get("cpu").asText().length() > 3);
    }

    @Test
    void aForcedRouteIsCheckedAndItsExitStatusFollowsTheProbes() throws Exception {
        // DIRECT is wrong on some CPUs (an AVX-512 AMD EPYC): then doctor must say so and exit UNTRUSTED
        boolean directRight = SelfCheck.check(ConvRoute.DIRECT, SelfCheck.PROBES).passed();
        System.setProperty(Engine.ROUTE_PROPERTY, "DIRECT");
        try {
            CliRun r = CliRun.run("doctor", "--recheck");
            assertEquals(directRight ? 0 : DoctorCommand.UNTRUSTED, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("route: DIRECT"), r.out());
            assertTrue(r.out().contains(directRight ? "results can be trusted" : "results CANNOT be trusted"), r.out());
        } finally {
            System.clearProperty(Engine.ROUTE_PROPERTY);
            Engine.recheck();
        }
        assertTrue(Engine.verdict().trusted(), "the process is back on a trusted route");
    }

    @Test
    void listsTheShippedModelsConvolutionsAndWhatTheWorkaroundPads() {
        String old = System.getProperty("retouch.home");
        System.setProperty("retouch.home", java.nio.file.Path.of("..").toAbsolutePath().normalize().toString());
        try {
            java.util.List<String> lines = DoctorCommand.modelConvolutions();
            String ddpm = lines.stream().filter(l -> l.startsWith("emoji-ddpm-32:")).findFirst().orElseThrow();
            // 32×32 UNet: channels 32/64 (+ skip concatenations 96/128), RGB in and out; only conv_out's
            // backward-data pass (3 output channels) needs padding, and only when training
            assertTrue(ddpm.startsWith("emoji-ddpm-32: 50 convolutions, C_in [3, 32, 64, 96, 128], C_out [3, 32, 64]"), ddpm);
            assertTrue(ddpm.contains("padded in inference: none; padded in training (input gradient): [conv_out 32→3]"), ddpm);
            String ldm = lines.stream().filter(l -> l.startsWith("emoji-ldm:")).findFirst().orElseThrow();
            assertTrue(ldm.contains("padded in inference: none") && ldm.contains("[conv_out 64→4]"), ldm);
        } finally {
            if (old == null) {
                System.clearProperty("retouch.home");
            } else {
                System.setProperty("retouch.home", old);
            }
        }
    }

    @Test
    void speedEnvironmentNamesWhatIsMissingAndWhatToSet() {
        String missing = DoctorCommand.speedEnvironment(java.util.Map.of("OMP_WAIT_POLICY", "PASSIVE"));
        assertTrue(missing.startsWith("MISSING MALLOC_MMAP_THRESHOLD_, MALLOC_TOP_PAD_, MALLOC_TRIM_THRESHOLD_"), missing);
        assertTrue(missing.contains("MALLOC_MMAP_THRESHOLD_=33554432") && !missing.contains("OMP_WAIT_POLICY="), missing);
        String set = DoctorCommand.speedEnvironment(DoctorCommand.SPEED_VARIABLES);
        assertTrue(set.startsWith("set (MALLOC_MMAP_THRESHOLD_=33554432"), set);
    }
}
