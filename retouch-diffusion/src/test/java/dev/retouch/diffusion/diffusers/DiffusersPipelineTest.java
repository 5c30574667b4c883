package dev.retouch.diffusion.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipImageEncoder;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.clip.ClipVisionModelWithProjection;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.PredictionType;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stable Diffusion pipelines in diffusers' layout: the public configs of SD 1.5 and 2.1 read as our structures, a
 * pipeline built from diffusers' own test components ({@code StableDiffusionPipelineFastTests.get_dummy_components}
 * in diffusers' tests/pipelines/stable_diffusion/test_stable_diffusion.py) with weights stored the ways real
 * checkpoints store them (sharded, fp16, the old autoencoder attention names as 1×1 convolutions, transformers'
 * position_ids buffer), round trips through {@link DiffusersExport}, and the refusals.
 */
class DiffusersPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    // runwayml/stable-diffusion-v1-5, unet/config.json
    static final String SD15_UNET = "{'_class_name': 'UNet2DConditionModel', '_diffusers_version': '0.6.0', "
            + "'act_fn': 'silu', 'attention_head_dim': 8, 'block_out_channels': [320, 640, 1280, 1280], "
            + "'center_input_sample': false, 'cross_attention_dim': 768, 'down_block_types': ['CrossAttnDownBlock2D', "
            + "'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'], 'downsample_padding': 1, "
            + "'flip_sin_to_cos': true, 'freq_shift': 0, 'in_channels': 4, 'layers_per_block': 2, "
            + "'mid_block_scale_factor': 1, 'norm_eps': 1e-05, 'norm_num_groups': 32, 'out_channels': 4, "
            + "'sample_size': 64, 'up_block_types': ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', "
            + "'CrossAttnUpBlock2D']}";
    // stabilityai/stable-diffusion-2-1, unet/config.json
    static final String SD21_UNET = "{'_class_name': 'UNet2DConditionModel', '_diffusers_version': '0.10.0.dev0', "
            + "'act_fn': 'silu', 'attention_head_dim': [5, 10, 20, 20], 'block_out_channels': [320, 640, 1280, 1280], "
            + "'center_input_sample': false, 'cross_attention_dim': 1024, 'down_block_types': ['CrossAttnDownBlock2D', "
            + "'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'], 'downsample_padding': 1, "
            + "'dual_cross_attention': false, 'flip_sin_to_cos': true, 'freq_shift': 0, 'in_channels': 4, "
            + "'layers_per_block': 2, 'mid_block_scale_factor': 1, 'norm_eps': 1e-05, 'norm_num_groups': 32, "
            + "'num_class_embeds': null, 'only_cross_attention': false, 'out_channels': 4, 'sample_size': 96, "
            + "'up_block_types': ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'], "
            + "'use_linear_projection': true, 'upcast_attention': true}";
    // runwayml/stable-diffusion-v1-5, vae/config.json
    static final String SD15_VAE = "{'_class_name': 'AutoencoderKL', '_diffusers_version': '0.6.0', 'act_fn': 'silu', "
            + "'block_out_channels': [128, 256, 512, 512], 'down_block_types': ['DownEncoderBlock2D', "
            + "'DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D'], 'in_channels': 3, "
            + "'latent_channels': 4, 'layers_per_block': 2, 'norm_num_groups': 32, 'out_channels': 3, "
            + "'sample_size': 512, 'up_block_types': ['UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D', "
            + "'UpDecoderBlock2D']}";
    // runwayml/stable-diffusion-v1-5, text_encoder/config.json (abridged to the architecture keys)
    static final String SD15_TEXT = "{'architectures': ['CLIPTextModel'], 'attention_dropout': 0.0, 'bos_token_id': 0, "
            + "'dropout': 0.0, 'eos_token_id': 2, 'hidden_act': 'quick_gelu', 'hidden_size': 768, "
            + "'initializer_factor': 1.0, 'initializer_range': 0.02, 'intermediate_size': 3072, "
            + "'layer_norm_eps': 1e-05, 'max_position_embeddings': 77, 'model_type': 'clip_text_model', "
            + "'num_attention_heads': 12, 'num_hidden_layers': 12, 'pad_token_id': 1, 'projection_dim': 768, "
            + "'torch_dtype': 'float32', 'vocab_size': 49408}";
    // runwayml/stable-diffusion-v1-5, scheduler/scheduler_config.json
    static final String SD15_SCHEDULER = "{'_class_name': 'PNDMScheduler', '_diffusers_version': '0.6.0', "
            + "'beta_end': 0.012, 'beta_schedule': 'scaled_linear', 'beta_start': 0.00085, "
            + "'num_train_timesteps': 1000, 'set_alpha_to_one': false, 'skip_prk_steps': true, 'steps_offset': 1, "
            + "'trained_betas': null, 'clip_sample': false}";

    @Test
    void theStableDiffusionConfigsReadAsOurStructures() throws Exception {
        Path f = Path.of("config.json");
        assertEquals(UNet2DConditionConfig.stableDiffusion15(), DiffusersConfigs.unet(json(SD15_UNET), f));
        // [5, 10, 20, 20] heads per level over 320/640/1280/1280 channels: 64-wide heads everywhere
        assertEquals(UNet2DConditionConfig.stableDiffusion2(), DiffusersConfigs.unet(json(SD21_UNET), f));
        assertEquals(AutoencoderKLConfig.stableDiffusion(), DiffusersConfigs.vae(json(SD15_VAE), f));
        // eos_token_id 2 in the config is the old placeholder; the end token is the tokenizer's
        assertEquals(ClipConfig.vitL14().text(), DiffusersConfigs.textEncoder(json(SD15_TEXT), f, 49407));
        assertEquals(new NoiseScheduleConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, PredictionType.EPSILON,
                false, 1.0), DiffusersConfigs.scheduler(json(SD15_SCHEDULER), f));
        assertEquals(new DiffusersConfigs.SchedulerExtras("PNDMScheduler", 1, "leading"),
                DiffusersConfigs.schedulerExtras(json(SD15_SCHEDULER), f));
        // SD 2.x (768-v): v-prediction, and a DDIM config without clip_sample clips by diffusers' default
        NoiseScheduleConfig v = DiffusersConfigs.scheduler(json("{'_class_name': 'DDIMScheduler', 'beta_schedule': "
                + "'scaled_linear', 'beta_start': 0.00085, 'beta_end': 0.012, 'prediction_type': 'v_prediction'}"), f);
        assertEquals(PredictionType.V_PREDICTION, v.predictionType());
        assertTrue(v.clipSample());
    }

    /**
     * The component sizes of Stable Diffusion 1.5 as published (e.g. the fast.ai forum's "Stable Diffusion parameter
     * budget allocation": UNet 859,520,964, VAE 83,653,863, CLIP text encoder 123,060,480), built by our classes from
     * the public configs above; the UNet's is checked analytically in UNet2DConditionModelTest (3.4 GB to build).
     */
    @Test
    void stableDiffusion15ComponentsHaveThePublishedParameterCounts() throws Exception {
        Path f = Path.of("config.json");
        try (org.bytedeco.javacpp.PointerScope ignored = new org.bytedeco.javacpp.PointerScope()) {
            assertEquals(83_653_863L, new AutoencoderKL(DiffusersConfigs.vae(json(SD15_VAE), f)).parameterCount());
            assertEquals(123_060_480L, new ClipModel(ClipConfig.textOnly(DiffusersConfigs.textEncoder(json(SD15_TEXT),
                    f, 49407))).parameterCount());
        }
    }

    @Test
    void whatOurUNetCannotBuildIsOneErrorNamingTheFileAndKey() {
        Path f = Path.of("unet", "config.json");
        RetouchException sdxl = assertThrows(RetouchException.class, () -> DiffusersConfigs.unet(
                json(SD15_UNET.replace("'act_fn'", "'addition_embed_type': 'text_time', 'act_fn'")), f));
        assertEquals(f + ": addition_embed_type \"text_time\" is not supported yet", sdxl.getMessage());
        RetouchException block = assertThrows(RetouchException.class, () -> DiffusersConfigs.unet(
                json(SD15_UNET.replace("'DownBlock2D'], 'downsample", "'SimpleDownBlock2D'], 'downsample")), f));
        assertTrue(block.getMessage().contains("down_block_types SimpleDownBlock2D is not supported yet"),
                block.getMessage());
        RetouchException notMirrored = assertThrows(RetouchException.class, () -> DiffusersConfigs.unet(
                json(SD15_UNET.replace("['UpBlock2D', 'CrossAttnUpBlock2D'", "['CrossAttnUpBlock2D', 'UpBlock2D'")), f));
        assertTrue(notMirrored.getMessage().contains("must mirror"), notMirrored.getMessage());
        RetouchException type = assertThrows(RetouchException.class, () -> DiffusersConfigs.unet(
                json(SD15_UNET.replace("'layers_per_block': 2", "'layers_per_block': 'two'")), f));
        assertTrue(type.getMessage().contains("layers_per_block must be an integer"), type.getMessage());
    }

    /** diffusers' dummy components (test_stable_diffusion.py), with a tokenizer of {@code vocab} tokens. */
    private static Map<String, String> dummyConfigs(int vocab) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("unet/config.json", "{'_class_name': 'UNet2DConditionModel', 'block_out_channels': [32, 64], "
                + "'layers_per_block': 2, 'sample_size': 32, 'in_channels': 4, 'out_channels': 4, "
                + "'down_block_types': ['DownBlock2D', 'CrossAttnDownBlock2D'], "
                + "'up_block_types': ['CrossAttnUpBlock2D', 'UpBlock2D'], 'cross_attention_dim': 32}");
        c.put("scheduler/scheduler_config.json", "{'_class_name': 'DDIMScheduler', 'beta_start': 0.00085, "
                + "'beta_end': 0.012, 'beta_schedule': 'scaled_linear', 'clip_sample': false, "
                + "'set_alpha_to_one': false}");
        c.put("vae/config.json", "{'_class_name': 'AutoencoderKL', 'block_out_channels': [32, 64], 'in_channels': 3, "
                + "'out_channels': 3, 'down_block_types': ['DownEncoderBlock2D', 'DownEncoderBlock2D'], "
                + "'up_block_types': ['UpDecoderBlock2D', 'UpDecoderBlock2D'], 'latent_channels': 4}");
        c.put("text_encoder/config.json", "{'architectures': ['CLIPTextModel'], 'bos_token_id': 0, 'eos_token_id': 2, "
                + "'hidden_size': 32, 'intermediate_size': 37, 'layer_norm_eps': 1e-05, 'num_attention_heads': 4, "
                + "'num_hidden_layers': 5, 'pad_token_id': 1, 'vocab_size': " + vocab + "}");
        c.put("model_index.json", "{'_class_name': 'StableDiffusionPipeline', '_diffusers_version': '0.30.0', "
                + "'feature_extractor': [null, null], 'safety_checker': [null, null], "
                + "'scheduler': ['diffusers', 'DDIMScheduler'], 'text_encoder': ['transformers', 'CLIPTextModel'], "
                + "'tokenizer': ['transformers', 'CLIPTokenizer'], 'unet': ['diffusers', 'UNet2DConditionModel'], "
                + "'vae': ['diffusers', 'AutoencoderKL']}");
        return c;
    }

    /** The dummy pipeline with random weights, stored as real checkpoints store them; returns the weights by component. */
    static Map<String, Map<String, Tensor>> writeDummyPipeline(Path dir) throws Exception {
        BpeVocabulary vocabulary = new BpeTrainer(1000).train(List.of(
                "a painting of a squirrel eating a burger", "an astronaut riding a horse on the moon",
                "a red heart", "a cat face with tears of joy", "grinning face with big eyes", "party popper"));
        for (var e : dummyConfigs(vocabulary.size()).entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue().replace('\'', '"'));
        }
        vocabulary.write(Files.createDirectories(dir.resolve("tokenizer")));
        DiffusersPipeline.Configs c = DiffusersPipeline.configs(dir);
        Map<String, Map<String, Tensor>> weights = new LinkedHashMap<>();
        UNet2DConditionModel unet = new UNet2DConditionModel(c.unet());
        unet.initialize(Tensors.generator(1));
        weights.put("unet", unet.stateDict());
        // the UNet in two shards with an index
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
        int i = 0;
        for (var e : unet.stateDict().entrySet()) {
            boolean a = i++ % 2 == 0;
            (a ? first : second).put(e.getKey(), e.getValue());
            map.append(i > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"diffusion_pytorch_model-0000")
                    .append(a ? 1 : 2).append("-of-00002.safetensors\"");
        }
        Safetensors.save(dir.resolve("unet/diffusion_pytorch_model-00001-of-00002.safetensors"), first, Map.of());
        Safetensors.save(dir.resolve("unet/diffusion_pytorch_model-00002-of-00002.safetensors"), second, Map.of());
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.safetensors.index.json"), map.append("}}"));
        // the autoencoder with the old attention names, its projections as 1x1 convolutions
        AutoencoderKL vae = new AutoencoderKL(c.vae());
        vae.initialize(Tensors.generator(2));
        weights.put("vae", vae.stateDict());
        Map<String, Tensor> old = new LinkedHashMap<>();
        vae.stateDict().forEach((k, t) -> {
            String n = k.replace(".attentions.0.to_q.", ".attentions.0.query.")
                    .replace(".attentions.0.to_k.", ".attentions.0.key.")
                    .replace(".attentions.0.to_v.", ".attentions.0.value.")
                    .replace(".attentions.0.to_out.0.", ".attentions.0.proj_attn.");
            old.put(n, !n.equals(k) && t.dim() == 2 ? t.reshape(t.size(0), t.size(1), 1, 1) : t);
        });
        Safetensors.save(dir.resolve("vae/diffusion_pytorch_model.safetensors"), old, Map.of("format", "pt"));
        // the text encoder in fp16 only, with transformers' position_ids buffer
        ClipModel text = ClipModel.create(ClipConfig.textOnly(c.text()), 3);
        weights.put("text_encoder", text.stateDict());
        Map<String, Tensor> half = new LinkedHashMap<>();
        text.stateDict().forEach((k, t) -> half.put(k, t.to(org.bytedeco.pytorch.global.torch.ScalarType.Half)));
        half.put("text_model.embeddings.position_ids", Tensors.ofLongs(new long[c.text().maxPositions()], 1,
                c.text().maxPositions()));
        Safetensors.save(dir.resolve("text_encoder/model.fp16.safetensors"), half, Map.of("format", "pt"));
        return weights;
    }

    @Test
    void diffusersDummyPipelineLoadsStrictlyFromShardsFp16AndOldNames(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tiny-sd");
        Map<String, Map<String, Tensor>> written = writeDummyPipeline(dir);
        LatentDiffusion ld = LatentDiffusion.load(dir); // dispatches on model_index.json
        assertEquals(0.0, maxDiff(written.get("unet"), ld.unet().stateDict()));
        assertEquals(0.0, maxDiff(written.get("vae"), ld.vae().stateDict()));
        double textDiff = maxDiff(written.get("text_encoder"), ld.clip().model().stateDict());
        assertTrue(textDiff > 0 && textDiff < 1e-2, "fp16 rounding only: " + textDiff);
        assertEquals(32, ld.unet().config().crossAttentionDim());
        assertEquals(8, ld.unet().config().attentionHeads()); // attention_head_dim's default, meaning heads
        assertEquals(64, ld.imageSize()); // 32² latents, factor 2
        assertEquals(77, ld.clip().contextLength());
        assertFalse(ld.clip().model().config().hasVision());
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor states = ld.textStates(List.of("a painting of a squirrel eating a burger", ""), w -> { });
            assertEquals(List.of(2L, 77L, 32L), List.of(states.size(0), states.size(1), states.size(2)));
            Tensor eps = ld.unet().forward(Tensors.randn(Tensors.generator(4), 2, 4, 32, 32),
                    Tensors.ofLongs(new long[]{999, 1}, 2), states);
            assertEquals(List.of(2L, 4L, 32L, 32L), List.of(eps.size(0), eps.size(1), eps.size(2), eps.size(3)));
            assertTrue(Tensors.allFinite(eps));
        }
        // the inspection agrees: no difference between the headers and what our classes build
        for (DiffusersPipeline.Component c : DiffusersPipeline.inspect(dir)) {
            assertEquals(List.of(), c.mismatches(), c.name());
            assertEquals(c.parameters(), c.weightsParameters(), c.name());
        }
    }

    /**
     * steps_offset as diffusers applies it: Stable Diffusion 1.5's scheduler config (steps_offset 1, leading spacing)
     * makes 50 DDIM steps visit 981, 961, …, 1 (the timesteps diffusers prints for SD 1.5); trailing spacing ignores
     * it; an exported pipeline keeps it.
     */
    @Test
    void stepsOffsetShiftsLeadingTimestepsAsDiffusersDoes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tiny-sd");
        writeDummyPipeline(dir);
        Path sched = dir.resolve("scheduler/scheduler_config.json");
        assertEquals(980, dev.retouch.diffusion.schedule.DDIMScheduler.of(LatentDiffusion.load(dir).schedule(), 50)
                .timesteps()[0], "no steps_offset: diffusers' default 0");
        Files.writeString(sched, SD15_SCHEDULER.replace('\'', '"'));
        LatentDiffusion ld = LatentDiffusion.load(dir);
        assertEquals(1, ld.schedule().stepsOffset());
        int[] want = new int[50];
        for (int i = 0; i < 50; i++) {
            want[i] = 981 - 20 * i;
        }
        for (var kind : List.of(dev.retouch.diffusion.schedule.SamplerKind.DDIM,
                dev.retouch.diffusion.schedule.SamplerKind.DPMPP_2M, dev.retouch.diffusion.schedule.SamplerKind.UNIPC)) {
            assertArrayEquals(want, kind.create(ld.schedule(), 50, 0).timesteps(), kind.id());
        }
        assertArrayEquals(new int[]{1000 - 1}, new int[]{dev.retouch.diffusion.schedule.Timesteps.leading(
                ld.schedule(), 1000)[0]}, "all 1000 steps: no room for the offset");
        Path exported = tmp.resolve("exported");
        DiffusersExport.save(ld, exported, false);
        assertEquals(1, DiffusersPipeline.load(exported).schedule().stepsOffset());
        Files.writeString(sched, SD15_SCHEDULER.replace("'steps_offset': 1,", "'steps_offset': 1, "
                + "'timestep_spacing': 'trailing',").replace('\'', '"'));
        assertEquals(0, LatentDiffusion.load(dir).schedule().stepsOffset(), "trailing spacing has no offset");
    }

    @Test
    void ourModelsRoundTripThroughTheDiffusersLayout(@TempDir Path tmp) throws Exception {
        LatentDiffusion ld = TinyLatentDiffusion.create(5);
        Path dir = tmp.resolve("exported");
        DiffusersExport.save(ld, dir, false);
        assertFalse(Files.exists(tmp.resolve("exported.partial")));
        LatentDiffusion back = DiffusersPipeline.load(dir);
        assertEquals(0.0, maxDiff(ld.unet().stateDict(), back.unet().stateDict()));
        assertEquals(0.0, maxDiff(ld.vae().stateDict(), back.vae().stateDict()));
        // the same structure (2 heads of 8 = 8-wide heads here: either record form reads back as the same UNet)
        assertEquals(DiffusersExport.unetConfig(ld.unet().config()), DiffusersExport.unetConfig(back.unet().config()));
        assertEquals(ld.vae().config(), back.vae().config());
        assertEquals(ld.schedule().config(), back.schedule().config());
        try (NoGradGuard ignored = new NoGradGuard()) {
            List<String> prompts = List.of("red heart", "cat face", "");
            assertEquals(0.0, TinyLatentDiffusion.maxAbsDiff(ld.textStates(prompts, w -> { }),
                    back.textStates(prompts, w -> { })));
        }
        RetouchException again = assertThrows(RetouchException.class, () -> DiffusersExport.save(ld, dir, true));
        assertTrue(again.getMessage().contains("exists"), again.getMessage());
        // the full CLIP's image half travels as image_encoder + feature_extractor and gives the same features
        assertTrue(Files.isRegularFile(dir.resolve("image_encoder/model.safetensors")));
        assertTrue(back.clip().hasImageEncoder());
        assertTrue(back.clip().imageEncoder().preprocessing().keepsMinusOneToOne());
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor images = Tensors.rand(Tensors.generator(3), 2, 3, 16, 16).mul(Tensors.s(2)).sub(Tensors.s(1));
            assertEquals(0.0, TinyLatentDiffusion.maxAbsDiff(ld.clip().imageEncoder().states(images),
                    back.clip().imageEncoder().states(images)));
            assertEquals(0.0, TinyLatentDiffusion.maxAbsDiff(ld.clip().imageEncoder().features(images),
                    back.clip().imageEncoder().features(images)));
        }
    }

    @Test
    void anImageEncoderOfItsOwnLoadsWithItsPreprocessingAndBadOnesAreOneClearError(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("sd");
        writeDummyPipeline(dir);
        assertFalse(DiffusersPipeline.load(dir).clip().hasImageEncoder(), "Stable Diffusion 1.5 has no image encoder");
        // OpenAI-CLIP-like: wider than the text, its own input size and normalisation
        ClipConfig.Vision v = new ClipConfig.Vision(24, 8, 3, 40, 2, 4, 80, 1e-5, ClipConfig.Activation.QUICK_GELU);
        ClipVisionModelWithProjection m = ClipVisionModelWithProjection.create(v, 32, 9);
        DiffusersExport.addImageEncoder(dir, ClipImageEncoder.of(m, ClipImageEncoder.Preprocessing.openAi(24)), true);
        LatentDiffusion ld = DiffusersPipeline.load(dir);
        ClipImageEncoder enc = ld.clip().imageEncoder();
        assertEquals(v, enc.config());
        assertEquals(32, enc.projectionDim());
        assertEquals(ClipImageEncoder.Preprocessing.openAi(24), enc.preprocessing());
        assertTrue(maxDiff(m.stateDict(), enc.weights()) < 1e-3, "fp16-stored weights");
        // placed elsewhere, the separate image encoder moves with the pipeline and still reads CPU float32 images
        LatentDiffusion placed = DiffusersPipeline.load(dir).placeOn(
                new dev.retouch.core.engine.Placement("cpu", dev.retouch.core.engine.Placement.Precision.FP16));
        placed.clip().imageEncoder().weights().forEach((k, t) -> assertEquals(
                org.bytedeco.pytorch.global.torch.ScalarType.Half, Tensors.dtype(t), k));
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor images = Tensors.rand(Tensors.generator(4), 2, 3, 40, 40).mul(Tensors.s(2)).sub(Tensors.s(1));
            Tensor want = enc.features(images);
            Tensor got = placed.clip().imageEncoder().features(images)
                    .to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
            assertTrue(TinyLatentDiffusion.maxAbsDiff(want, got) < 0.05, "fp16 features of 40² images resized to 24²");
        }
        var components = DiffusersPipeline.inspect(dir);
        assertEquals("image_encoder", components.get(3).name());
        assertEquals(List.of(), components.get(3).mismatches());
        assertEquals(m.parameterCount(), components.get(3).parameters());

        Path pre = dir.resolve("feature_extractor/preprocessor_config.json");
        String preText = Files.readString(pre);
        Files.writeString(pre, preText.replaceAll("(?<k>\"shortest_edge\"\\s*:\\s*)24", "${k}32"));
        RetouchException crop = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(crop.getMessage().startsWith(pre + ": resizing to 32 and cropping to 24 is not supported yet"),
                crop.getMessage());
        Files.writeString(pre, preText.replaceAll("(?<k>\"(height|width|shortest_edge)\"\\s*:\\s*)24", "${k}32"));
        RetouchException size = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(size.getMessage().contains("resizes images to 32² but"), size.getMessage());
        Files.writeString(pre, preText);

        Path index = dir.resolve("model_index.json");
        String original = Files.readString(index);
        Files.writeString(index, original.replace("CLIPVisionModelWithProjection", "CLIPVisionModel"));
        RetouchException cls = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertEquals(index + ": component 'image_encoder' is a CLIPVisionModel; only CLIPVisionModelWithProjection is "
                + "supported", cls.getMessage());
        Files.writeString(index, original);

        Path weights = dir.resolve("image_encoder/model.safetensors");
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.load(weights));
        w.remove("visual_projection.weight");
        Safetensors.save(weights, w, Map.of());
        RetouchException missing = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(missing.getMessage().startsWith(dir.resolve("image_encoder") + " (model.safetensors)"),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("missing: visual_projection.weight"), missing.getMessage());
    }

    @Test
    void badPipelinesAreOneClearError(@TempDir Path tmp) throws Exception {
        RetouchException notPipeline = assertThrows(RetouchException.class, () -> DiffusersPipeline.configs(tmp));
        assertEquals(tmp + " is not a diffusers pipeline: it has no model_index.json", notPipeline.getMessage());

        Path dir = tmp.resolve("sd");
        writeDummyPipeline(dir);
        Path index = dir.resolve("model_index.json");
        String original = Files.readString(index);

        Files.writeString(index, original.replace("StableDiffusionPipeline", "StableDiffusionXLPipeline"));
        RetouchException xl = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(xl.getMessage().startsWith(index + ": StableDiffusionXLPipeline is not supported yet"),
                xl.getMessage());

        Files.writeString(index, original.replace("\"vae\": [\"diffusers\", \"AutoencoderKL\"]", "\"vae\": [null, null]"));
        RetouchException missing = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(missing.getMessage().startsWith(index + ": component 'vae' is missing"), missing.getMessage());
        Files.writeString(index, original);

        // a renamed tensor: the strict load names the component's weights and the tensor
        Path vaeWeights = dir.resolve("vae/diffusion_pytorch_model.safetensors");
        Map<String, Tensor> vae = Safetensors.load(vaeWeights);
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        vae.forEach((k, t) -> renamed.put(k.equals("decoder.conv_out.weight") ? "decoder.conv_out.kernel" : k, t));
        Safetensors.save(vaeWeights, renamed, Map.of());
        RetouchException mismatch = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(mismatch.getMessage().startsWith(dir.resolve("vae") + " (diffusion_pytorch_model.safetensors)"),
                mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("missing: decoder.conv_out.weight"), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("unexpected: decoder.conv_out.kernel"), mismatch.getMessage());
        assertTrue(DiffusersPipeline.inspect(dir).get(1).mismatches().contains("missing: decoder.conv_out.weight"));

        // pickled weights only
        Files.delete(vaeWeights);
        Files.writeString(dir.resolve("vae/diffusion_pytorch_model.bin"), "not read");
        RetouchException pickled = assertThrows(RetouchException.class, () -> DiffusersPipeline.load(dir));
        assertTrue(pickled.getMessage().contains("pickled PyTorch weights (.bin/.ckpt) are not read"),
                pickled.getMessage());
    }

    private static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        List<String> keys = new ArrayList<>(a.keySet());
        for (String k : keys) {
            worst = Math.max(worst, TinyLatentDiffusion.maxAbsDiff(a.get(k).to(org.bytedeco.pytorch.global.torch.ScalarType.Float),
                    b.get(k).to(org.bytedeco.pytorch.global.torch.ScalarType.Float)));
        }
        return worst;
    }
}
