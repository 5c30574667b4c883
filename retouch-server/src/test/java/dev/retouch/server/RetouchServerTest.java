package dev.retouch.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API against a started server on the shipped models, with a real HTTP client. */
class RetouchServerTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static RetouchServer server;
    private static String base;
    private static byte[] face;

    @BeforeAll
    static void start() throws Exception {
        server = RetouchServer.start(ModelStore.of(HOME.resolve("models")),
                RetouchServer.Options.defaults().withPort(0).withQueue(1, 4));
        base = "http://127.0.0.1:" + server.port();
        face = Files.readAllBytes(HOME.resolve("retouch-eval/src/main/resources/demo/1f601.png"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Reply(int status, byte[] body, String contentType) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String error() throws Exception {
            return json().path("error").asText();
        }
    }

    static Reply send(HttpRequest r) throws Exception {
        HttpResponse<byte[]> res = HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(res.statusCode(), res.body(), res.headers().firstValue("Content-Type").orElse(""));
    }

    static Reply get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.GET().build());
    }

    /** POST /api/jobs as multipart: the request JSON and the named binary parts. */
    static Reply submit(String requestJson, Map<String, byte[]> parts, String... headers) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n" + requestJson
                + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (var p : parts.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.getKey()
                    + "\"; filename=\"" + p.getKey() + ".png\"\r\nContent-Type: image/png\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(p.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/jobs")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static Reply submit(String requestJson) throws Exception {
        return submit(requestJson, Map.of("image", face));
    }

    static JsonNode waitFinal(String id) throws Exception {
        long end = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < end) {
            JsonNode j = get("/api/jobs/" + id).json();
            if (List.of("done", "failed", "cancelled").contains(j.path("status").asText())) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not end in 2 minutes");
    }

    @Test
    void healthAndModels() throws Exception {
        Reply h = get("/api/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.json().path("status").asText());
        assertTrue(h.contentType().startsWith("application/json"), h.contentType());
        JsonNode models = get("/api/models").json();
        Map<String, String> kinds = new LinkedHashMap<>();
        models.path("models").forEach(m -> kinds.put(m.path("name").asText(), m.path("kind").asText()));
        assertEquals("pixel-diffusion", kinds.get("emoji-ddpm-32"), kinds::toString);
        assertEquals("effect", kinds.get("skin-tone-5"), kinds::toString);
        assertTrue(models.path("methods").toString().contains("\"pixel\""));
        assertEquals("rectifier", kinds.get("rectifier-emoji-ddpm-32"), kinds::toString);
        assertEquals("rectifier-edit", kinds.get("rectifier-crying"), kinds::toString);
    }

    @Test
    void aRectifierEditJobGivesTheCliPicture() throws Exception {
        Reply r = submit("{\"method\":\"rectifier\",\"edit\":\"rectifier-crying\",\"steps\":10,\"seed\":2}");
        assertEquals(202, r.status(), () -> new String(r.body()));
        String id = r.json().path("id").asText();
        JsonNode fin = waitFinal(id);
        assertEquals("done", fin.path("status").asText(), fin::toString);
        assertEquals(20, fin.path("progress").path("steps").asLong(), fin::toString); // inversion + regeneration
        Path f = Files.createTempFile("rect", ".png");
        Files.write(f, get("/api/jobs/" + id + "/result.png").body());
        RgbImage img = Images.read(f);
        assertEquals(32, img.width());
        assertEquals("rectifier-crying", Images.readPngText(f).get("retouch.edit"));
        // the library call the CLI makes gives the same pixels
        var store = dev.retouch.edit.ModelStore.of(HOME.resolve("models"));
        var want = new dev.retouch.edit.rectifier.RectifierEditor(store.rectifierEdit("rectifier-crying")).edit(
                new dev.retouch.edit.rectifier.RectifierEditRequest(Images.decode(face, "face", 1 << 24), 10, 2));
        assertArrayEquals(want.image().chw(), img.chw(), 0.0025f); // the PNG's 8-bit rounding
        Files.delete(f);
        Reply bad = submit("{\"method\":\"rectifier\",\"edit\":\"no-such-edit\"}");
        assertEquals(400, bad.status(), () -> new String(bad.body()));
        Reply fewshot = submit("{\"method\":\"rectifier\",\"edit\":\"skin-tone-5\"}");
        assertEquals(400, fewshot.status(), () -> new String(fewshot.body()));
        String why = fewshot.error();
        assertTrue(why.contains("not a rectifier edit"), why);
    }

    @Test
    void aPortraitJobGivesTheCliPicture() throws Exception {
        Reply r = submit("{\"method\":\"portrait\",\"model\":\"portrait-man-woman\",\"target\":\"woman\","
                + "\"steps\":5,\"maskseeds\":2,\"seed\":3}");
        assertEquals(202, r.status(), () -> new String(r.body()));
        String id = r.json().path("id").asText();
        JsonNode fin = waitFinal(id);
        assertEquals("done", fin.path("status").asText(), fin::toString);
        assertEquals(5, fin.path("progress").path("steps").asLong(), fin::toString);
        Path f = Files.createTempFile("portrait", ".png");
        Files.write(f, get("/api/jobs/" + id + "/result.png").body());
        RgbImage img = Images.read(f);
        assertEquals(64, img.width());
        assertEquals("woman", Images.readPngText(f).get("retouch.target"));
        var store = dev.retouch.edit.ModelStore.of(HOME.resolve("models"));
        var want = new dev.retouch.edit.portrait.PortraitEditor(store.portrait("portrait-man-woman")).edit(
                new dev.retouch.edit.portrait.PortraitEditRequest(dev.retouch.core.image.Resize.square(
                        Images.decode(face, "face", 1 << 24), 64), "woman",
                        dev.retouch.edit.portrait.PortraitEditRequest.Scales.CODE, 5,
                        new dev.retouch.edit.portrait.MaskSettings(dev.retouch.edit.portrait.MaskSettings.Mode.CODE,
                                0.35, 2, 0.5, dev.retouch.edit.portrait.MaskSettings.Blend.LATENT), 3));
        assertArrayEquals(want.image().chw(), img.chw(), 0.0025f); // the PNG's 8-bit rounding
        Files.delete(f);
        Reply cat = submit("{\"method\":\"portrait\",\"model\":\"portrait-man-woman\",\"target\":\"cat\"}");
        assertEquals(400, cat.status(), () -> new String(cat.body()));
        String catWhy = cat.error();
        assertTrue(catWhy.contains("target"), catWhy);
        Reply notPortrait = submit("{\"method\":\"portrait\",\"model\":\"emoji-ldm\"}");
        assertEquals(400, notPortrait.status(), () -> new String(notPortrait.body()));
        String notWhy = notPortrait.error();
        assertTrue(notWhy.contains("not a portrait model"), notWhy);
    }

    @Test
    void aFewshotJobRunsStreamsProgressAndReturnsThePngWithItsParameters() throws Exception {
        Reply r = submit("{\"method\":\"fewshot\",\"effect\":\"skin-tone-5\",\"seed\":1}");
        assertEquals(202, r.status(), () -> new String(r.body()));
        String id = r.json().path("id").asText();
        // the event stream: progress events, then the final status as the last event
        HttpRequest sse = HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(120)).GET().build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(sse, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        List<String> events = new ArrayList<>();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    last = line.substring(6);
                }
            }
        }
        assertEquals("status", events.get(events.size() - 1), events::toString);
        JsonNode fin = JSON.readTree(last);
        assertEquals("done", fin.path("status").asText(), last);
        assertEquals(fin.path("progress").path("steps").asLong(), fin.path("progress").path("step").asLong(), last);
        assertTrue(fin.path("judge").asText().startsWith("judge: "), last);
        Reply png = get("/api/jobs/" + id + "/result.png");
        assertEquals(200, png.status());
        assertEquals("image/png", png.contentType());
        Path f = Files.createTempFile("result", ".png");
        Files.write(f, png.body());
        RgbImage img = Images.read(f);
        assertEquals(64, img.width());
        Map<String, String> text = Images.readPngText(f);
        assertEquals("skin-tone-5", text.get("retouch.effect"), text::toString);
        assertEquals("1", text.get("retouch.seed"), text::toString);
        // the same request gives the same picture
        String again = submit("{\"method\":\"fewshot\",\"effect\":\"skin-tone-5\",\"seed\":1}").json().path("id").asText();
        assertEquals("done", waitFinal(again).path("status").asText());
        Path g = Files.createTempFile("again", ".png");
        Files.write(g, get("/api/jobs/" + again + "/result.png").body());
        assertArrayEquals(img.chw(), Images.read(g).chw());
        Files.delete(f);
        Files.delete(g);
    }

    @Test
    void badRequestsAre400NamingTheField() throws Exception {
        assertEquals(400, submit("{not json").status());
        assertTrue(submit("{not json").error().startsWith("request: malformed JSON"));
        assertTrue(submit("{\"method\":\"paint\"}").error().contains("unknown method 'paint'"));
        assertTrue(submit("{\"seed\":1}").error().startsWith("method: required"));
        assertTrue(submit("{\"method\":\"sdedit\",\"strength\":\"high\"}").error().startsWith("strength: expected a number"));
        assertTrue(submit("{\"method\":\"sdedit\",\"strength\":2}").error().startsWith("strength: must be in [0, 1]"));
        assertTrue(submit("{\"method\":\"sdedit\",\"steps\":2.5}").error().startsWith("steps: expected an integer"));
        assertTrue(submit("{\"method\":\"sdedit\",\"colour\":\"red\"}").error().startsWith("colour: unknown option"));
        assertTrue(submit("{\"method\":\"sdedit\",\"model\":\"../models/emoji-ddpm-32\"}").error()
                .startsWith("model: '../models/emoji-ddpm-32' is not a model name"));
        assertTrue(submit("{\"method\":\"sdedit\",\"model\":\"/etc\"}").error().startsWith("model: '/etc'"));
        assertTrue(submit("{\"method\":\"sdedit\",\"model\":\"no-such-model\"}").error().contains("not in the model store"));
        assertTrue(submit("{\"method\":\"sdedit\"}", Map.of()).error().startsWith("image:"));
        assertTrue(submit("{\"method\":\"sdedit\"}", Map.of("image", "not a png".getBytes())).error().contains("image part"));
        assertTrue(submit("{\"method\":\"pixel\"}").error().startsWith("ops:"));
        // a malformed map operation is found when the edit runs: the job fails with the parser's message
        Reply badOp = submit("{\"method\":\"pixel\",\"ops\":[\"paint mouth purple\"]}");
        assertEquals(202, badOp.status());
        JsonNode failed = waitFinal(badOp.json().path("id").asText());
        assertEquals("failed", failed.path("status").asText(), failed::toString);
        assertTrue(failed.path("error").asText().contains("paint"), failed::toString);
        Reply notMultipart = send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(400, notMultipart.status());
        assertTrue(notMultipart.error().contains("multipart/form-data"));
    }

    @Test
    void closingCancelsRunningAndQueuedJobsAndReturns() throws Exception {
        RetouchServer other = RetouchServer.start(ModelStore.of(HOME.resolve("models")),
                RetouchServer.Options.defaults().withPort(0).withQueue(1, 4));
        String saved = base;
        base = "http://127.0.0.1:" + other.port();
        try {
            String running = submit("{\"method\":\"sdedit\",\"strength\":1,\"steps\":1000}").json().path("id").asText();
            String queued = submit("{\"method\":\"sdedit\",\"strength\":1,\"steps\":1000}").json().path("id").asText();
            while (get("/api/jobs/" + running).json().path("progress").path("step").asLong() < 1) {
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            other.close();
            assertTrue((System.nanoTime() - t0) / 1e9 < 10, "close took " + (System.nanoTime() - t0) / 1e9 + " s");
            assertEquals(Job.Status.CANCELLED, other.jobForTest(running).orElseThrow().status());
            assertEquals(Job.Status.CANCELLED, other.jobForTest(queued).orElseThrow().status());
        } finally {
            base = saved;
        }
    }

    @Test
    void unknownJobsAndEndpointsAre404AndEventsNeedTheirAcceptHeader() throws Exception {
        assertEquals(404, get("/api/jobs/nope").status());
        assertTrue(get("/api/jobs/nope").error().startsWith("no job nope"));
        assertEquals(404, get("/api/jobs/nope/result.png").status());
        assertEquals(404, get("/api/nothing").status());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/nope")).DELETE().build()).status());
        assertEquals(406, get("/api/jobs/nope/events").status());
    }

    @Test
    void aRunningJobIsCancelledWithinAStepAndItsResultIs404() throws Exception {
        String id = submit("{\"method\":\"sdedit\",\"strength\":1,\"steps\":1000,\"seed\":3}").json().path("id").asText();
        long t0 = System.currentTimeMillis();
        while (get("/api/jobs/" + id).json().path("progress").path("step").asLong() < 2) {
            assertTrue(System.currentTimeMillis() - t0 < 60_000, "the job never started");
            Thread.sleep(20);
        }
        Reply del = send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + id)).DELETE().build());
        assertEquals(200, del.status());
        JsonNode fin = waitFinal(id);
        assertEquals("cancelled", fin.path("status").asText(), fin::toString);
        assertTrue(fin.path("progress").path("step").asLong() < 1000, fin::toString);
        Reply res = get("/api/jobs/" + id + "/result.png");
        assertEquals(404, res.status());
        assertTrue(res.error().contains("cancelled"), res::toString);
    }

    @Test
    void beyondTheQueueSubmissionsGet429AndHealthAnswersThroughout() throws Exception {
        // one worker, a queue of 4: of 16 concurrent submissions at most 5 are accepted
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int seed = i;
            replies.add(clients.submit(() -> submit("{\"method\":\"sdedit\",\"strength\":0.5,\"steps\":40,\"seed\":"
                    + seed + "}")));
        }
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (Future<Reply> f : replies) {
            Reply r = f.get();
            if (r.status() == 202) {
                accepted.add(r.json().path("id").asText());
            } else {
                assertEquals(429, r.status(), () -> new String(r.body()));
                assertTrue(r.error().contains("queue is full"));
                refused++;
            }
        }
        clients.shutdown();
        assertTrue(accepted.size() >= 1 && accepted.size() <= 5, "accepted " + accepted.size());
        assertEquals(16, accepted.size() + refused);
        long t0 = System.nanoTime();
        assertEquals(200, get("/api/health").status()); // a full queue never blocks health
        assertTrue((System.nanoTime() - t0) / 1e9 < 2, "health took " + (System.nanoTime() - t0) / 1e9 + " s");
        for (String id : accepted) {
            assertEquals("done", waitFinal(id).path("status").asText());
        }
    }

    @Test
    void aTokenIsRequiredWhenSetAndUploadsAreCapped() throws Exception {
        try (RetouchServer guarded = RetouchServer.start(ModelStore.of(HOME.resolve("models")),
                new RetouchServer.Options("127.0.0.1", 0, 1, 2, "s3cret", 32 * 1024, 32 * 32, 8, 60, null))) {
            String b = "http://127.0.0.1:" + guarded.port();
            Reply none = send(HttpRequest.newBuilder(URI.create(b + "/api/health")).GET().build());
            assertEquals(401, none.status());
            assertTrue(none.error().contains("Bearer"));
            Reply wrong = send(HttpRequest.newBuilder(URI.create(b + "/api/health")).header("Authorization", "Bearer x")
                    .GET().build());
            assertEquals(401, wrong.status());
            Reply ok = send(HttpRequest.newBuilder(URI.create(b + "/api/health"))
                    .header("Authorization", "Bearer s3cret").GET().build());
            assertEquals(200, ok.status());
            String saved = base;
            base = b;
            try {
                Reply big = submit("{\"method\":\"fewshot\"}", Map.of("image", new byte[64 * 1024]),
                        "Authorization", "Bearer s3cret");
                assertEquals(413, big.status(), () -> new String(big.body()));
                // a small file of too many pixels: the 64×64 face against a cap of 32×32
                Reply many = submit("{\"method\":\"fewshot\"}", Map.of("image", face), "Authorization", "Bearer s3cret");
                assertEquals(413, many.status(), () -> new String(many.body()));
                assertTrue(many.error().contains("expected at most 1024"), () -> new String(many.body()));
            } finally {
                base = saved;
            }
        }
        assertFalse(base.isEmpty());
    }
}
