package dev.retouch.core.engine;

import dev.retouch.core.io.CacheDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {
    @TempDir
    Path dir;

    @Test
    void cpuInfoReadsTheFirstProcessorAndItsVectorIsa() {
        CpuInfo cpu = CpuInfo.parse(List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
                "model name\t: AMD EPYC", "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw", "",
                "processor\t: 1", "vendor_id\t: Other", "flags\t\t: sse2"));
        assertEquals("AuthenticAMD", cpu.vendor());
        assertEquals("AMD EPYC", cpu.model());
        assertEquals("AVX-512", cpu.vectorIsa());
        assertEquals("avx avx2 fma avx512f avx512bw", cpu.vectorFlags());
        assertEquals("AVX2", new CpuInfo("v", "m", Set.of("avx", "avx2")).vectorIsa());
        assertEquals("baseline", new CpuInfo("v", "m", Set.of()).vectorIsa());
    }

    @Test
    void theCacheKeyNamesTheCpuTheLibraryAndTheRoutes() {
        CpuInfo a = new CpuInfo("AuthenticAMD", "AMD EPYC", Set.of("avx2", "avx512f"));
        CpuInfo b = new CpuInfo("AuthenticAMD", "AMD EPYC", Set.of("avx2"));
        List<ConvRoute> all = List.of(ConvRoute.values());
        Path f = Engine.cacheFile(a, "oneDNN 3.7.1", all);
        assertEquals(f, Engine.cacheFile(a, "oneDNN 3.7.1", all));
        assertNotEquals(f, Engine.cacheFile(b, "oneDNN 3.7.1", all));
        assertNotEquals(f, Engine.cacheFile(a, "oneDNN 3.8.0", all));
        assertNotEquals(f, Engine.cacheFile(a, "oneDNN 3.7.1", List.of(ConvRoute.DIRECT)));
    }

    @Test
    void aRecheckWritesTheVerdictWhereTheNextProcessReadsIt() {
        String old = System.getProperty(CacheDirectory.PROPERTY);
        System.setProperty(CacheDirectory.PROPERTY, dir.toString());
        try {
            Engine.Verdict v = Engine.recheck();
            assertFalse(v.cached());
            assertEquals(v.route(), Engine.route());
            Path file = Engine.cacheFile(CpuInfo.current(), v.onednn(), List.of(ConvRoute.values()));
            assertTrue(Files.isRegularFile(file), "verdict cached at " + file);
            Engine.Verdict read = Engine.readCached(file);
            assertNotNull(read);
            assertTrue(read.cached());
            assertEquals(v.route(), read.route());
            assertEquals(v.tried(), read.tried());
            assertEquals(v.trusted(), read.trusted());
        } finally {
            if (old == null) {
                System.clearProperty(CacheDirectory.PROPERTY);
            } else {
                System.setProperty(CacheDirectory.PROPERTY, old);
            }
        }
    }

    @Test
    void aDamagedCacheFileIsIgnoredAndAnUnknownForcedRouteRefused() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"route\": \"SIDEWAYS\"");
        assertNull(Engine.readCached(bad));
        String old = System.getProperty(Engine.ROUTE_PROPERTY);
        System.setProperty(Engine.ROUTE_PROPERTY, "sideways");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Engine::recheck);
            assertTrue(e.getMessage().contains("sideways".toUpperCase()) && e.getMessage().contains("PAD_CHANNELS"),
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Engine.ROUTE_PROPERTY);
            } else {
                System.setProperty(Engine.ROUTE_PROPERTY, old);
            }
        }
        assertTrue(Engine.verdict().trusted(), "the process keeps its verdict after a refused recheck");
    }
}
