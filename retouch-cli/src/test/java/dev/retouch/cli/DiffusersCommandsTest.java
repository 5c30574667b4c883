package dev.retouch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A latent model exported as a Stable Diffusion pipeline in diffusers' layout (export-diffusers), inspected, and
 * used by the latent commands through --model DIR: the same pixels as the model it came from.
 */
class DiffusersCommandsTest {
    @TempDir
    static Path dir;

    static Path ldm;
    static Path pipeline;
    static Path in16;

    @BeforeAll
    static void models() {
        ldm = LatentFixtures.bundle(dir, 7);
        in16 = CliRun.png(dir.resolve("in16.png"), 16, 16, 2);
        pipeline = dir.resolve("tiny-sd");
        CliRun r = CliRun.run("export-diffusers", "--model", ldm.toString(), "--out", pipeline.toString(), "--json");
        assertEquals(0, r.code(), r::describe);
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r::describe);
        return r;
    }

    private static float[] pixels(Path png) {
        RgbImage img = Images.read(png, 1 << 20);
        return img.chw();
    }

    @Test
    void inspectDescribesEveryComponentAndFindsTheWeightsMatching() throws Exception {
        JsonNode j = ok("inspect", "--model", pipeline.toString(), "--json").json();
        assertEquals("StableDiffusionPipeline", j.get("pipeline").asText());
        for (String c : List.of("unet", "vae", "text_encoder")) {
            assertTrue(j.get(c + "_weights").asText().startsWith("match ("), j.toString());
            assertTrue(j.get(c + "_parameters").asLong() > 0, j.toString());
        }
        assertEquals(j.get("unet_parameters").asLong() + j.get("vae_parameters").asLong()
                + j.get("text_encoder_parameters").asLong(), j.get("parameters").asLong());
        // the UNet config alone, without weights
        JsonNode u = ok("inspect", "--unet-config", pipeline.resolve("unet/config.json").toString(), "--json").json();
        assertEquals(j.get("unet_parameters").asLong(), u.get("unet_parameters").asLong());
    }

    @Test
    void theLatentCommandsGiveTheSamePixelsOnTheExportedPipeline() throws Exception {
        for (Path model : List.of(ldm, pipeline)) {
            String tag = model.equals(ldm) ? "ours" : "diffusers";
            ok("generate", "--model", model.toString(), "--prompt", "red heart", "--steps", "3", "--seed", "4",
                    "--out", dir.resolve("gen-" + tag + ".png").toString());
            ok("img2img", "--model", model.toString(), "--image", in16.toString(), "--prompt", "cat face",
                    "--strength", "0.6", "--steps", "4", "--seed", "4", "--out", dir.resolve("i2i-" + tag + ".png").toString());
            ok("diffedit", "--model", model.toString(), "--image", in16.toString(), "--reference", "cat face",
                    "--query", "red heart", "--steps", "4", "--seed", "4", "--out", dir.resolve("de-" + tag + ".png").toString());
        }
        for (String name : List.of("gen", "i2i", "de")) {
            assertArrayEquals(pixels(dir.resolve(name + "-ours.png")), pixels(dir.resolve(name + "-diffusers.png")),
                    name);
        }
    }

    @Test
    void sineFineTunesAndEditsOnThePipelineAsOnItsSource() throws Exception {
        for (Path model : List.of(ldm, pipeline)) {
            String tag = model.equals(ldm) ? "ours" : "diffusers";
            Path tuned = dir.resolve("sine-" + tag);
            ok("finetune", "sine", "--model", model.toString(), "--image", in16.toString(), "--class", "face",
                    "--steps", "3", "--batch", "2", "--seed", "5", "--out", tuned.toString());
            ok("edit", "sine", "--tuned", tuned.toString(), "--prompt", "cat face", "--steps", "3", "--seed", "1",
                    "--out", dir.resolve("sine-" + tag + ".png").toString());
        }
        assertArrayEquals(pixels(dir.resolve("sine-ours.png")), pixels(dir.resolve("sine-diffusers.png")));
    }

    @Test
    void badPipelinesAndConfigsAreOneClearError() throws Exception {
        CliRun notPipeline = CliRun.run("inspect", "--model", dir.toString());
        assertEquals(1, notPipeline.code(), notPipeline::describe);
        assertTrue(notPipeline.err().contains(dir + " is not a diffusers pipeline: it has no model_index.json"),
                notPipeline::describe);
        CliRun exists = CliRun.run("export-diffusers", "--model", ldm.toString(), "--out", pipeline.toString());
        assertEquals(1, exists.code(), exists::describe);
        assertTrue(exists.err().contains("exists"), exists::describe);
        Path sdxl = dir.resolve("sdxl-unet.json");
        Files.writeString(sdxl, Files.readString(pipeline.resolve("unet/config.json"))
                .replace("\"act_fn\"", "\"addition_embed_type\": \"text_time\", \"act_fn\""));
        CliRun xl = CliRun.run("inspect", "--unet-config", sdxl.toString());
        assertEquals(1, xl.code(), xl::describe);
        assertTrue(xl.err().contains(sdxl + ": addition_embed_type \"text_time\" is not supported yet"), xl::describe);
        CliRun both = CliRun.run("inspect", "--model", pipeline.toString(), "--unet-config", sdxl.toString());
        assertEquals(2, both.code(), both::describe);
    }
}
