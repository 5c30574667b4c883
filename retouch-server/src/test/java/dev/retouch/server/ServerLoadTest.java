package dev.retouch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.edit.ModelStore;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load test: 64 concurrent submissions against one worker and a queue of 16 (the excess gets 429,
 * every accepted job ends, health answers throughout), then 200 jobs with resident memory flat.
 */
class ServerLoadTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> submit(int port, byte[] image, long seed) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n"
                + "{\"method\":\"sdedit\",\"strength\":0.5,\"steps\":20,\"seed\":" + seed + "}\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"in.png\"\r\nContent-Type: image/png"
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(image);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String status(int port, String id) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("status").asText();
    }

    private static void waitAll(int port, List<String> ids) throws Exception {
        long end = System.currentTimeMillis() + 600_000;
        for (String id : ids) {
            String s;
            while (!List.of("done", "failed", "cancelled").contains(s = status(port, id))) {
                assertTrue(System.currentTimeMillis() < end, "jobs did not end");
                Thread.sleep(20);
            }
            assertEquals("done", s, "job " + id);
        }
    }

    /** {@code count} jobs, 16 at a time (the queue's size), each waited for. */
    private static void runJobs(int port, byte[] face, int count, long seed0) throws Exception {
        for (int from = 0; from < count; from += 16) {
            List<String> ids = new ArrayList<>();
            for (int k = from; k < Math.min(count, from + 16); k++) {
                HttpResponse<String> r = submit(port, face, seed0 + k);
                assertEquals(202, r.statusCode(), r.body());
                ids.add(JSON.readTree(r.body()).path("id").asText());
            }
            waitAll(port, ids);
        }
    }

    /** Resident memory after a full collection (the JVM's garbage is not what this test measures). */
    private static long settledRssKb() throws Exception {
        System.gc();
        Thread.sleep(300);
        return rssKb();
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void sixtyFourAgainstAQueueOfSixteenThenTwoHundredJobsWithFlatMemory() throws Exception {
        byte[] face = Files.readAllBytes(HOME.resolve("retouch-eval/src/main/resources/demo/1f601.png"));
        try (RetouchServer server = RetouchServer.start(ModelStore.of(HOME.resolve("models")),
                RetouchServer.Options.defaults().withPort(0).withQueue(1, 16))) {
            int port = server.port();
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger healthFailures = new AtomicInteger();
            AtomicInteger healthChecks = new AtomicInteger();
            Thread prober = new Thread(() -> {
                while (loading.get()) {
                    try {
                        long t0 = System.nanoTime();
                        int code = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/api/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (code != 200 || System.nanoTime() - t0 > 2_000_000_000L) {
                            healthFailures.incrementAndGet();
                        }
                        healthChecks.incrementAndGet();
                        Thread.sleep(50);
                    } catch (Exception e) {
                        healthFailures.incrementAndGet();
                    }
                }
            });
            prober.start();
            ExecutorService clients = Executors.newFixedThreadPool(64);
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                long seed = i;
                replies.add(clients.submit(() -> submit(port, face, seed)));
            }
            List<String> accepted = new ArrayList<>();
            int refused = 0;
            for (var f : replies) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 202) {
                    accepted.add(JSON.readTree(r.body()).path("id").asText());
                } else {
                    assertEquals(429, r.statusCode(), r.body()); // the only failure allowed
                    refused++;
                }
            }
            clients.shutdown();
            assertTrue(accepted.size() >= 16 && accepted.size() <= 17, "accepted " + accepted.size());
            assertEquals(64 - accepted.size(), refused);
            waitAll(port, accepted);
            loading.set(false);
            prober.join();
            assertEquals(0, healthFailures.get(), "health failed during the load (" + healthChecks.get() + " checks)");
            assertTrue(healthChecks.get() > 5, "health checks: " + healthChecks.get());

            // 200 more jobs, 16 at a time, after a warm-up round (the allocator's and the JVM's pools grow to their
            // working size first, whatever ran in this JVM before). The exact leak check is the count of live native
            // objects (every job's tensors are freed by its scope, not by the garbage collector); resident memory is
            // a coarse check only: scripts/test.sh keeps freed memory in glibc's heap (MALLOC_TOP_PAD_ 256 MB, trim
            // threshold 1 GB) and there VmRSS swings by tens of MB between readings with live objects flat (CI read
            // 873 → 926 MB once), so it is bounded by the pad, as in EditorContractTest.
            runJobs(port, face, 48, 500);
            Thread.sleep(200); // the last worker leaves its scope after marking its job done
            long live0 = Pointer.totalCount();
            long before = settledRssKb();
            runJobs(port, face, 200, 1000);
            Thread.sleep(200);
            long live1 = Pointer.totalCount(); // before any collection: only scopes and explicit releases freed them
            long after = settledRssKb();
            assertTrue(live1 - live0 <= 0, "live native objects grew " + live0 + " → " + live1 + " over 200 jobs");
            assertTrue(after - before < 150 * 1024, "resident memory grew " + (after - before) / 1024 + " MB over 200"
                    + " jobs (" + before / 1024 + " → " + after / 1024 + " MB)");
            System.err.printf("ServerLoadTest: %d accepted, %d refused, %d health checks; live native objects %d → %d,"
                    + " RSS %d → %d MB over 200 jobs%n", accepted.size(), refused, healthChecks.get(), live0, live1,
                    before / 1024, after / 1024);
        }
    }
}
