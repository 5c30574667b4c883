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
}
