package dev.retouch.server;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.edit.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names in a request resolve only inside the model store: a link that leads out of it is refused before loading. */
class JobRequestsTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    @Test
    void aStableDiffusionPipelineInTheStoreIsAModelNameLikeAnyOther(@TempDir Path tmp) throws Exception {
        ModelStore shipped = ModelStore.of(HOME.resolve("models"));
        Path models = Files.createDirectories(tmp.resolve("models"));
        dev.retouch.diffusion.diffusers.DiffusersExport.save(shipped.latent("emoji-ldm"), models.resolve("sd-emoji"),
                true);
        ModelStore store = ModelStore.of(models, HOME.resolve("models"));
        assertTrue(store.list().stream().anyMatch(e -> e.name().equals("sd-emoji") && e.kind().equals("latent-diffusion")));
        String request = "{\"method\":\"generate\",\"model\":\"%s\",\"prompt\":\"red heart\",\"steps\":3,\"seed\":1}";
        Task pipeline = new JobRequests(store, 1 << 20, null).parse(String.format(request, "sd-emoji"), Map.of());
        assertTrue(pipeline.parameters().get("model").equals("sd-emoji"), pipeline.parameters()::toString);
        var none = dev.retouch.core.progress.StepListener.NONE;
        dev.retouch.core.image.RgbImage image = pipeline.work().run(none);
        assertTrue(image.width() == 64 && image.height() == 64);
        // the shipped weights are fp16 already: exported in fp16 they are the same numbers, so the same picture
        dev.retouch.core.image.RgbImage own = new JobRequests(store, 1 << 20, null)
                .parse(String.format(request, "emoji-ldm"), Map.of()).work().run(none);
        org.junit.jupiter.api.Assertions.assertArrayEquals(own.chw(), image.chw());
    }

    @Test
    void theStudioShowsTheLibrarysSineDefaults() throws Exception {
        String js;
        try (var in = JobRequestsTest.class.getResourceAsStream("/studio/studio.js")) {
            js = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        // the studio's form shows numbers of its own; they must be the ones the library uses when a field is left out
        var block = java.util.regex.Pattern.compile("\\n  sine: \\{.*?\\] \\},", java.util.regex.Pattern.DOTALL)
                .matcher(js);
        assertTrue(block.find(), "no sine entry in studio.js");
        String sine = block.group();
        assertTrue(sine.contains("['v', 'number', " + dev.retouch.edit.sine.SineRequest.DEFAULT_V + "]"), sine);
        assertTrue(sine.contains("['k', 'int', " + dev.retouch.edit.sine.SineRequest.DEFAULT_K + "]"), sine);
        double w = dev.retouch.edit.sine.SineRequest.DEFAULT_GUIDANCE;
        assertTrue(sine.contains("['guidance', 'number', " + (w == Math.rint(w) ? String.valueOf((long) w) : w) + "]"),
                sine);
    }

    @Test
    void aModelOrEffectLinkLeadingOutOfTheStoreIsRefused(@TempDir Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside/secret-model"));
        Files.writeString(outside.resolve("config.json"), "{}");
        Path models = Files.createDirectories(tmp.resolve("store/models"));
        Files.createDirectories(models.resolve("effects"));
        Files.createSymbolicLink(models.resolve("escape"), outside);
        Files.createSymbolicLink(models.resolve("effects/escape"), outside);
        JobRequests requests = new JobRequests(ModelStore.of(models), 1 << 20, null);
        byte[] png = Files.readAllBytes(Path.of(System.getProperty("user.dir")).getParent()
                .resolve("retouch-eval/src/main/resources/demo/1f601.png"));

        InvalidRequestException model = assertThrows(InvalidRequestException.class,
                () -> requests.parse("{\"method\":\"generate\",\"model\":\"escape\",\"prompt\":\"red heart\"}", Map.of()));
        assertTrue(model.getMessage().startsWith("model 'escape' leads out of the model store"), model.getMessage());
        InvalidRequestException effect = assertThrows(InvalidRequestException.class,
                () -> requests.parse("{\"method\":\"fewshot\",\"effect\":\"escape\"}", Map.of("image", List.of(png))));
        assertTrue(effect.getMessage().startsWith("effect 'escape' leads out of the model store"), effect.getMessage());
        // a name that is not there at all is a different, equally clear 400
        InvalidRequestException missing = assertThrows(InvalidRequestException.class,
                () -> requests.parse("{\"method\":\"generate\",\"model\":\"absent\",\"prompt\":\"red heart\"}", Map.of()));
        assertTrue(missing.getMessage().contains("not in the model store"), missing.getMessage());
    }
}
