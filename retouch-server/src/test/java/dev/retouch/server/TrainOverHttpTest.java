package dev.retouch.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.demo.DemoInputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training a few-shot effect over HTTP: a job with progress, an effect usable by name, nothing left when cancelled. */
class TrainOverHttpTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> PAIRS = List.of("1f3c3-200d-27a1-fe0f.png", "1f487-200d-2642-fe0f.png",
            "1f6b6-200d-2642-fe0f-200d-27a1-fe0f.png");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    static Path user;
    private static RetouchServer server;

    @BeforeAll
    static void start() {
        server = RetouchServer.start(ModelStore.of(user, HOME.resolve("models")),
                RetouchServer.Options.defaults().withPort(0).withUserModels(user));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private static byte[] resource(String path) throws Exception {
        try (var in = DemoInputs.class.getResourceAsStream("/demo/" + path)) {
            return in.readAllBytes();
        }
    }

    /** POST /api/jobs with the request and the three bundled pairs as before/after parts. */
    private static HttpResponse<String> train(String json, int pairs) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n" + json + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        for (String side : List.of("before", "after")) {
            for (String name : PAIRS.subList(0, pairs)) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + side
                        + "\"; filename=\"" + name + "\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.writeBytes(resource("fewshot/" + side + "/" + name));
                body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url("/api/jobs")))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonNode waitFinal(String id) throws Exception {
        for (long end = System.currentTimeMillis() + 300_000; System.currentTimeMillis() < end; Thread.sleep(100)) {
            JsonNode j = get("/api/jobs/" + id);
            if (List.of("done", "failed", "cancelled").contains(j.path("status").asText())) {
                return j;
            }
        }
        throw new AssertionError("job " + id + " did not end");
    }

    @Test
    void aTrainedEffectIsUsableByNameAndACancelledTrainingLeavesNothing() throws Exception {
        HttpResponse<String> r = train("{\"method\":\"train-fewshot\",\"name\":\"my-dark\",\"steps\":3,\"batch\":2}", 3);
        assertEquals(202, r.statusCode(), r.body());
        String id = JSON.readTree(r.body()).path("id").asText();
        JsonNode fin = waitFinal(id);
        assertEquals("done", fin.path("status").asText(), fin.toString());
        assertEquals(3, fin.path("progress").path("steps").asInt(), fin.toString());
        assertTrue(Files.isRegularFile(user.resolve("effects/my-dark/config.json")));
        assertTrue(Files.readString(user.resolve("effects/my-dark/MODEL_CARD.md")).contains("train-fewshot"));
        try (var left = Files.list(user.resolve("effects"))) {
            assertEquals(List.of("my-dark"), left.map(p -> p.getFileName().toString()).toList()); // no hidden run
        }
        Path png = Files.createTempFile("preview", ".png");
        Files.write(png, HTTP.send(HttpRequest.newBuilder(URI.create(url("/api/jobs/" + id + "/result.png"))).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        assertEquals(64, Images.read(png).width());
        Files.delete(png);
        assertTrue(get("/api/models").toString().contains("\"my-dark\""));

        // the same name again is refused; too few pairs too
        HttpResponse<String> again = train("{\"method\":\"train-fewshot\",\"name\":\"my-dark\",\"steps\":3}", 3);
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("exists already"), again.body());
        HttpResponse<String> one = train("{\"method\":\"train-fewshot\",\"name\":\"lonely\",\"steps\":3}", 1);
        assertEquals(400, one.statusCode());
        assertTrue(one.body().contains("before: send 2 to 100"), one.body());

        // a long training cancelled after its first steps: no effect, no hidden run directory
        String longId = JSON.readTree(
                train("{\"method\":\"train-fewshot\",\"name\":\"never\",\"steps\":20000,\"batch\":2}", 3).body())
                .path("id").asText();
        for (long end = System.currentTimeMillis() + 120_000;
             get("/api/jobs/" + longId).path("progress").path("step").asLong() < 2; Thread.sleep(50)) {
            assertTrue(System.currentTimeMillis() < end, "the training never started");
        }
        HTTP.send(HttpRequest.newBuilder(URI.create(url("/api/jobs/" + longId))).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("cancelled", waitFinal(longId).path("status").asText());
        assertFalse(Files.exists(user.resolve("effects/never")));
        try (var left = Files.list(user.resolve("effects"))) {
            assertEquals(List.of("my-dark"), left.map(p -> p.getFileName().toString()).toList());
        }
    }
}
