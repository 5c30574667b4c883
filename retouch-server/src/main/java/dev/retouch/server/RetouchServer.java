package dev.retouch.server;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.eval.demo.DemoInputs;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import io.javalin.http.sse.SseClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The HTTP API over the editors (Javalin 7 on Jetty 12): jobs submitted as multipart requests run on a bounded
 * worker pool ({@link JobManager}); their progress streams as Server-Sent Events; results are PNGs with their
 * parameters in text chunks. Every error is {@code {"error": "…"}} with its status: 400 for a request the caller
 * can fix (naming the field), 401 without the token, 404 for an unknown job or result not ready, 413 for an
 * oversized upload, 429 when the queue is full.
 */
public final class RetouchServer implements AutoCloseable {
    /**
     * How the server runs.
     *
     * @param host        address to bind (127.0.0.1: this machine only)
     * @param port        port (0: any free port)
     * @param workers     jobs running at once (each uses the machine's compute threads)
     * @param queue       jobs waiting at most; more get 429
     * @param token       bearer token every API call must carry, or null for none
     * @param maxUpload   largest request body in bytes
     * @param maxPixels   largest decoded upload in pixels
     * @param keepResults finished jobs kept at most (count)
     * @param keepSeconds finished jobs kept at most (age)
     * @param userModels  a model-store root this server writes into ({@code train-fewshot} effects go to its
     *                    {@code effects/}), or null: the server does not train. Give the store this root too so that
     *                    trained effects resolve by name.
     */
    public record Options(String host, int port, int workers, int queue, String token, long maxUpload, long maxPixels,
                          int keepResults, long keepSeconds, java.nio.file.Path userModels) {
        public Options {
            if (workers < 1 || workers > 64) {
                throw new InvalidRequestException("workers must be in [1, 64], got " + workers);
            }
            if (queue < 0 || queue > 100_000) {
                throw new InvalidRequestException("queue must be in [0, 100000], got " + queue);
            }
            if (port < 0 || port > 65535) {
                throw new InvalidRequestException("port must be in [0, 65535], got " + port);
            }
            if (token != null && token.isBlank()) {
                throw new InvalidRequestException("the token must not be blank");
            }
        }

        /** The defaults: 127.0.0.1:8080, one worker, a queue of 16, no token, 8 MB uploads, 4096² pixels, 256 results kept an hour. */
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 1, 16, null, 8L << 20, 4096L * 4096L, 256, 3600, null);
        }

        public Options withPort(int p) {
            return new Options(host, p, workers, queue, token, maxUpload, maxPixels, keepResults, keepSeconds, userModels);
        }

        public Options withQueue(int workerCount, int waiting) {
            return new Options(host, port, workerCount, waiting, token, maxUpload, maxPixels, keepResults, keepSeconds, userModels);
        }

        public Options withToken(String t) {
            return new Options(host, port, workers, queue, t, maxUpload, maxPixels, keepResults, keepSeconds, userModels);
        }

        public Options withUserModels(java.nio.file.Path dir) {
            return new Options(host, port, workers, queue, token, maxUpload, maxPixels, keepResults, keepSeconds, dir);
        }

        public Options withHost(String h) {
            return new Options(h, port, workers, queue, token, maxUpload, maxPixels, keepResults, keepSeconds, userModels);
        }
    }

    private final ModelStore store;
    private final Options options;
    private final JobManager jobs;
    private final JobRequests requests;
    private final Javalin app;

    private RetouchServer(ModelStore store, Options options) {
        this.store = store;
        this.options = options;
        EmojiJudge judge = EmojiJudge.optional(store, "emoji-judge", m -> { });
        Function<dev.retouch.core.image.RgbImage, String> label = judge == null ? null : judgeLabel(new JudgeView(judge));
        this.jobs = new JobManager(options.workers(), options.queue(), options.keepResults(), options.keepSeconds(),
                label);
        this.requests = new JobRequests(store, options.maxPixels(),
                options.userModels() == null ? null : options.userModels().resolve("effects"));
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = options.maxUpload();
            config.jetty.multipartConfig.maxTotalRequestSize(options.maxUpload(), io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(options.maxUpload(), io.javalin.config.SizeUnit.BYTES);
            config.startup.showJavalinBanner = false;
            config.routes.before("/api/*", this::authorise);
            config.routes.before("/api/jobs", ctx -> {
                String length = ctx.header("Content-Length");
                if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > options.maxUpload()) {
                    drain(ctx, Long.parseLong(length));
                    throw new io.javalin.http.HttpResponseException(413, "too large", Map.of());
                }
            });
            config.routes.get("/api/health", ctx -> json(ctx, 200, Map.of("status", "ok")));
            config.routes.get("/api/models", this::models);
            config.routes.get("/api/samples", ctx -> json(ctx, 200, Map.of("samples", DemoInputs.SAMPLES)));
            config.routes.get("/api/samples/<name>", this::sample);
            config.routes.get("/api/palette", this::palette);
            config.routes.post("/api/segment", this::segment);
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/studio";
                sf.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            config.routes.post("/api/jobs", this::submit);
            config.routes.get("/api/jobs/{id}", ctx -> json(ctx, 200, job(ctx).json()));
            config.routes.get("/api/jobs/{id}/result.png", this::result);
            config.routes.delete("/api/jobs/{id}", ctx -> json(ctx, 200, jobs.cancel(ctx.pathParam("id"))
                    .orElseThrow(() -> new NotFound("no job " + ctx.pathParam("id"))).json()));
            config.routes.before("/api/jobs/{id}/events", ctx -> {
                String accept = ctx.header("Accept");
                if (accept == null || !accept.contains("text/event-stream")) {
                    throw new NotAcceptable("this is a Server-Sent Events stream: send 'Accept: text/event-stream' "
                            + "(EventSource does)");
                }
            });
            config.routes.sse("/api/jobs/{id}/events", this::events);
            config.routes.exception(InvalidRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(dev.retouch.core.image.ImageTooLargeException.class,
                    (e, ctx) -> error(ctx, 413, e.getMessage()));
            config.routes.exception(NotFound.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
            config.routes.exception(Unauthorised.class, (e, ctx) -> error(ctx, 401, e.getMessage()));
            config.routes.exception(NotAcceptable.class, (e, ctx) -> error(ctx, 406, e.getMessage()));
            config.routes.exception(JobManager.QueueFullException.class, (e, ctx) -> error(ctx, 429, e.getMessage()));
            config.routes.exception(JobManager.ShuttingDownException.class, (e, ctx) -> error(ctx, 503,
                    e.getMessage()));
            config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e.getStatus() == 413 ? "the request is larger than " + options.maxUpload() + " bytes"
                            : e.getMessage()));
            config.routes.exception(RetouchException.class, (e, ctx) -> error(ctx, 500, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": "
                    + e.getMessage()));
            config.routes.error(404, "*", ctx -> {
                if (!ctx.result().startsWith("{")) {
                    error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(413, "*", ctx -> {
                if (!ctx.result().startsWith("{")) {
                    error(ctx, 413, "the upload is larger than " + options.maxUpload() + " bytes");
                }
            });
        });
    }

    /** Starts a server over {@code store}; {@link #port()} tells the bound port. */
    public static RetouchServer start(ModelStore store, Options options) {
        RetouchServer s = new RetouchServer(store, options);
        s.app.start(options.host(), options.port());
        return s;
    }

    public int port() {
        return app.port();
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    private static final class NotAcceptable extends RuntimeException {
        NotAcceptable(String message) {
            super(message);
        }
    }

    private static final class Unauthorised extends RuntimeException {
        Unauthorised(String message) {
            super(message);
        }
    }

    /** Uploads up to this size are read and discarded before a 413, so that the client can read the answer. */
    static final long DRAIN_LIMIT = 64L << 20;

    /**
     * Reads and discards a refused upload's body when it is not huge: a server that answers and closes while the
     * client is still writing resets the connection, and the client then sees a broken connection instead of the
     * 413 (measured once in CI: "header parser received no bytes"). Larger bodies are not read; the race stays.
     */
    private static void drain(io.javalin.http.Context ctx, long length) {
        if (length > DRAIN_LIMIT) {
            return;
        }
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (java.io.IOException e) {
            // the client went away: nothing to answer
        }
    }

    private void authorise(Context ctx) {
        if (options.token() == null) {
            return;
        }
        // the header, or ?token= for what a browser cannot give headers to (EventSource, <img src>)
        String h = ctx.header("Authorization");
        String q = ctx.queryParam("token");
        String given = h != null ? h : q != null ? "Bearer " + q : null;
        byte[] want = ("Bearer " + options.token()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(want, given.getBytes(StandardCharsets.UTF_8))) {
            throw new Unauthorised("missing or wrong token: send 'Authorization: Bearer <token>'");
        }
    }

    private void models(Context ctx) {
        List<Map<String, Object>> out = store.list().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("kind", e.kind());
            return m;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models", out);
        body.put("methods", JobRequests.METHODS);
        json(ctx, 200, body);
    }

    /** A bundled test-split image by its path in the bundle. */
    private void sample(Context ctx) {
        String name = ctx.pathParam("name");
        if (!DemoInputs.SAMPLES.contains(name)) {
            throw new NotFound("no sample " + name + " (GET /api/samples lists them)");
        }
        ctx.status(200).contentType("image/png").result(DemoInputs.bytes(name));
    }

    /** The face-part classes with their palette colours, in class order (a map part is painted in these). */
    private void palette(Context ctx) {
        List<Map<String, Object>> classes = java.util.Arrays.stream(FaceClass.values()).map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.label());
            m.put("rgb", String.format("#%06X", c.rgb()));
            return m;
        }).toList();
        json(ctx, 200, Map.of("classes", classes));
    }

    /**
     * The pixelguide classifiers' segmentation of an uploaded image at the pixel model's size, as a palette PNG: the
     * map a user edits (multipart: {@code image}; query {@code model}, {@code classifiers}, {@code seed}).
     */
    private void segment(Context ctx) {
        byte[] image = part(ctx, "image");
        String seed = ctx.queryParam("seed");
        if (seed != null && !seed.matches("-?\\d{1,18}")) {
            throw new InvalidRequestException("seed: expected an integer, got '" + seed + "'");
        }
        LabelMap map = requests.segment(image, ctx.queryParam("model"), ctx.queryParam("classifiers"),
                seed == null ? 0 : Long.parseLong(seed));
        ctx.status(200).contentType("image/png").result(JobManager.png(map.toImage(), Map.of()));
    }

    private void submit(Context ctx) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.startsWith("multipart/form-data")) {
            throw new InvalidRequestException("send the job as multipart/form-data with a 'request' part (JSON) and "
                    + "optional 'image' and 'map' parts");
        }
        String request = ctx.formParam("request");
        if (request == null) {
            UploadedFile asFile = ctx.uploadedFile("request");
            request = asFile == null ? null : new String(bytes(asFile), StandardCharsets.UTF_8);
        }
        Map<String, List<byte[]>> parts = new LinkedHashMap<>();
        ctx.uploadedFileMap().forEach((name, files) -> {
            if (!name.equals("request")) {
                parts.put(name, files.stream().map(RetouchServer::bytes).toList());
            }
        });
        Task task = requests.parse(request, parts);
        Job job = jobs.submit(task);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id);
        body.put("status", job.status().label());
        json(ctx, 202, body);
    }

    private static byte[] part(Context ctx, String name) {
        UploadedFile f = ctx.uploadedFile(name);
        return f == null ? null : bytes(f);
    }

    private static byte[] bytes(UploadedFile f) {
        try (InputStream in = f.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Job job(Context ctx) {
        String id = ctx.pathParam("id");
        return jobs.get(id).orElseThrow(() -> new NotFound("no job " + id + " (finished jobs are kept for "
                + options.keepResults() + " jobs and " + options.keepSeconds() + " s)"));
    }

    private void result(Context ctx) {
        Job job = job(ctx);
        byte[] png = job.png();
        if (png == null) {
            throw new NotFound("job " + job.id + " is " + job.status().label() + ": no result"
                    + (job.status().isFinal() ? "" : " yet"));
        }
        ctx.status(200).contentType("image/png").result(png);
    }

    /** Progress events ("progress", "status") until the job is final; the last event is its final status. */
    private void events(SseClient client) {
        Job job;
        try {
            job = job(client.ctx());
        } catch (NotFound e) {
            client.sendEvent("error", Json.toJson(Map.of("error", e.getMessage())));
            client.close();
            return;
        }
        LinkedBlockingQueue<Map<String, Object>> updates = new LinkedBlockingQueue<>();
        Consumer<Job> watcher = j -> updates.add(j.json());
        client.onClose(() -> job.unwatch(watcher));
        job.watch(watcher);
        String last = null;
        try {
            while (!client.terminated()) {
                Map<String, Object> u = updates.poll(15, TimeUnit.SECONDS);
                if (u == null) {
                    client.sendComment("keep-alive");
                    continue;
                }
                String data = Json.toJson(u).replaceAll("\\s*\\n\\s*", " ");
                if (data.equals(last)) {
                    continue;
                }
                last = data;
                String status = (String) u.get("status");
                boolean end = Job.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)).isFinal();
                client.sendEvent(end ? "status" : "progress", data);
                if (end) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            job.unwatch(watcher);
            client.close();
        }
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.toJson(body));
    }

    private static void error(Context ctx, int status, String message) {
        json(ctx, status, Map.of("error", message == null ? "error" : message));
    }

    private static Function<dev.retouch.core.image.RgbImage, String> judgeLabel(JudgeView view) {
        return img -> {
            synchronized (view) {
                try (org.bytedeco.javacpp.PointerScope ignored = new org.bytedeco.javacpp.PointerScope()) {
                    return view.label(img);
                }
            }
        };
    }

    /** Stops accepting, cancels queued and running jobs (a running one stops within a step), then stops HTTP. */
    @Override
    public void close() {
        jobs.shutdown(30);
        app.stop();
    }

    Optional<Job> jobForTest(String id) {
        return jobs.get(id);
    }
}
