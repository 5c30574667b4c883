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
        for (String c : List.of("unet", "vae", "text_encoder", "image_encoder")) {
            assertTrue(j.get(c + "_weights").asText().startsWith("match ("), j.toString());
            assertTrue(j.get(c + "_parameters").asLong() > 0, j.toString());
        }
        assertEquals(j.get("unet_parameters").asLong() + j.get("vae_parameters").asLong()
                + j.get("text_encoder_parameters").asLong() + j.get("image_encoder_parameters").asLong(),
                j.get("parameters").asLong());
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

    /** Portrait pairs, training and editing on the pipeline; its image encoder is emoji-clip's image half. */
    @Test
    void portraitTrainsAndEditsOnThePipelineAsOnItsSource() throws Exception {
        for (Path model : List.of(ldm, pipeline)) {
            String tag = model.equals(ldm) ? "ours" : "diffusers";
            portrait(model, tag);
        }
        assertArrayEquals(pixels(dir.resolve("portrait-pairs-ours/preview.png")),
                pixels(dir.resolve("portrait-pairs-diffusers/preview.png")));
        assertArrayEquals(pixels(dir.resolve("portrait-ours.png")), pixels(dir.resolve("portrait-diffusers.png")));
    }

    /**
     * A Stable-Diffusion-like image encoder (its own input size and OpenAI's normalisation, states wider than the
     * UNet's cross-attention, a projection as wide): portrait conditions on the projected states.
     */
    @Test
    void portraitUsesTheProjectedStatesOfAWiderImageEncoder() throws Exception {
        Path wide = dir.resolve("tiny-sd-wide-image-encoder");
        ok("export-diffusers", "--model", ldm.toString(), "--out", wide.toString());
        int context = dev.retouch.diffusion.model.LatentDiffusion.load(ldm).unet().config().crossAttentionDim();
        var vision = new dev.retouch.diffusion.clip.ClipConfig.Vision(24, 8, 3, context + 8, 1, 2, 32, 1e-5,
                dev.retouch.diffusion.clip.ClipConfig.Activation.QUICK_GELU);
        var encoder = dev.retouch.diffusion.clip.ClipImageEncoder.of(
                dev.retouch.diffusion.clip.ClipVisionModelWithProjection.create(vision, context, 3),
                dev.retouch.diffusion.clip.ClipImageEncoder.Preprocessing.openAi(24));
        dev.retouch.diffusion.diffusers.DiffusersExport.addImageEncoder(wide, encoder, false);
        Path model = portrait(wide, "wide");
        JsonNode config = dev.retouch.core.io.ModelDirectory.open(model).configTree();
        assertEquals(1 + 3 * 3, config.path("imageTokens").asInt(), "class token and 3×3 patches of 8² in 24²");

        // an encoder whose states and projection both miss the cross-attention width is refused, naming both
        Path odd = dir.resolve("tiny-sd-odd-image-encoder");
        ok("export-diffusers", "--model", ldm.toString(), "--out", odd.toString());
        dev.retouch.diffusion.diffusers.DiffusersExport.addImageEncoder(odd, dev.retouch.diffusion.clip.ClipImageEncoder.of(
                dev.retouch.diffusion.clip.ClipVisionModelWithProjection.create(vision, context + 4, 3),
                dev.retouch.diffusion.clip.ClipImageEncoder.Preprocessing.openAi(24)), false);
        CliRun bad = CliRun.run("train", "portrait", "--pairs", dir.resolve("portrait-pairs-wide").toString(), "--base",
                odd.toString(), "--steps", "1", "--batch", "2", "--out", dir.resolve("portrait-run-odd").toString());
        assertEquals(1, bad.code(), bad::describe);
        assertTrue(bad.err().contains("image encoder has width " + (context + 8) + " and projection " + (context + 4)),
                bad::describe);
    }

    /** data portrait-pairs, train portrait and edit portrait on {@code model}; returns the trained model. */
    private static Path portrait(Path model, String tag) {
        Path pairs = dir.resolve("portrait-pairs-" + tag);
        ok("data", "portrait-pairs", "--task", "man-woman", "--count", "4", "--batch", "4", "--steps", "2", "--model",
                model.toString(), "--min-similarity", "-1", "--seed", "3", "--out", pairs.toString());
        Path run = dir.resolve("portrait-run-" + tag);
        ok("train", "portrait", "--pairs", pairs.toString(), "--base", model.toString(), "--steps", "2", "--batch", "2",
                "--seed", "3", "--out", run.toString());
        ok("edit", "portrait", "--model", run.resolve("model").toString(), "--image", in16.toString(), "--target",
                "woman", "--steps", "3", "--mask-seeds", "2", "--seed", "4", "--out",
                dir.resolve("portrait-" + tag + ".png").toString());
        return run.resolve("model");
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
