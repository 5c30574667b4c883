package dev.retouch.cli;

import dev.retouch.server.RetouchServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.retouch.edit.ModelStore;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code retouch serve}: the HTTP API over the shipped models ({@link RetouchServer}). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve every editing method over HTTP: POST /api/jobs (multipart: a 'request' JSON part, "
                + "optional 'image' and 'map' parts) queues a job; GET /api/jobs/ID, /api/jobs/ID/events (Server-Sent "
                + "Events) and /api/jobs/ID/result.png follow it; DELETE /api/jobs/ID cancels it; GET /api/health, "
                + "/api/models. Jobs run on --workers threads with at most --queue waiting (more get 429). Ctrl-C "
                + "stops accepting, cancels queued and running jobs and exits."},
        footer = {"", "Examples:", "  bin/retouch serve --port 8080",
                "  curl -F 'request={\"method\":\"fewshot\",\"effect\":\"skin-tone-5\",\"seed\":1}' "
                        + "-F image=@face.png http://127.0.0.1:8080/api/jobs",
                "  bin/retouch serve --host 0.0.0.0 --token \"$(openssl rand -hex 16)\"   # reachable from other machines"})
final class ServeCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}: this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", defaultValue = "1", description = "Jobs running at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", defaultValue = "16", description = "Jobs waiting at most; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--token", description = "Require 'Authorization: Bearer TOKEN' on every API call.")
    String token;

    @Option(names = "--user-models", description = "Model directory of this server's own models, searched before "
            + "the shipped ones; train-fewshot jobs write their effects to its effects/ (default: out/user-models in "
            + "the Retouch home).")
    Path userModels;

    @Mixin
    DeviceOptions device;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--port", port, 0, 65535);
        CliSupport.requireRange("--workers", workers, 1, 64);
        CliSupport.requireRange("--queue", queue, 0, 100_000);
        Path shipped = Models.shippedRoot();
        Path user = (userModels != null ? userModels : shipped.getParent().resolve("out/user-models"))
                .toAbsolutePath().normalize();
        CliSupport.mkdirs(user.resolve("effects"));
        RetouchServer.Options o = RetouchServer.Options.defaults().withHost(host).withPort(port)
                .withQueue(workers, queue).withToken(token).withUserModels(user);
        RetouchServer server = RetouchServer.start(ModelStore.of(user, shipped).placedOn(device.placement()), o);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("retouch serve: stopping (cancelling queued and running jobs)");
            server.close();
            stopped.countDown();
        }));
        System.err.printf("retouch serve: the studio at http://%s:%d/ (workers %d, queue %d%s; text-to-image models on "
                + "%s; trained effects in %s)%n", host, server.port(), workers, queue,
                token == null ? "" : ", token required", device.placement().label(), user.resolve("effects"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
