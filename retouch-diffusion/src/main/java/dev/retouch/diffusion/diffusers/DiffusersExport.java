package dev.retouch.diffusion.diffusers;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.io.Safetensors;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipImageEncoder;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link LatentDiffusion} as a Stable Diffusion pipeline in diffusers' layout, the inverse of
 * {@link DiffusersPipeline#load}: configs with diffusers' and transformers' keys, weights under the same names
 * (the text encoder without CLIP's vision tower and projections), the tokenizer's {@code vocab.json} and
 * {@code merges.txt}, a DDIM scheduler config with the model's noise schedule, and, when the CLIP has an image half,
 * an {@code image_encoder} ({@code CLIPVisionModelWithProjection}) with its {@code feature_extractor}
 * preprocessing. The directory is written whole in
 * {@code <dir>.partial} and then renamed, so a failure leaves nothing half-written.
 */
public final class DiffusersExport {
    private DiffusersExport() {
    }

    /** Writes {@code ld} to the new directory {@code dir} (it must not exist), weights in fp32 or fp16. */
    public static void save(LatentDiffusion ld, Path dir, boolean half) {
        if (Files.exists(dir)) {
            throw new RetouchException(dir + " exists; a pipeline is written into a new directory");
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new RetouchException("output directory " + parent + " does not exist (for " + dir + ")");
        }
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        try {
            AtomicFiles.deleteTree(partial);
            Files.createDirectories(partial);
            write(ld, partial, half);
            Files.move(partial, dir);
        } catch (IOException e) {
            throw new RetouchException("cannot write " + dir + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTreeQuietly(partial); // the rename happened, or the error above says why
        }
    }

    private static void write(LatentDiffusion ld, Path dir, boolean half) throws IOException {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("_class_name", "StableDiffusionPipeline");
        index.put("_diffusers_version", "0.30.0");
        boolean images = ld.clip().hasImageEncoder();
        index.put("feature_extractor", images ? List.of("transformers", "CLIPImageProcessor") : nulls());
        index.put("image_encoder", images ? List.of("transformers", "CLIPVisionModelWithProjection") : nulls());
        index.put("requires_safety_checker", false);
        index.put("safety_checker", nulls());
        index.put("scheduler", List.of("diffusers", "DDIMScheduler"));
        index.put("text_encoder", List.of("transformers", "CLIPTextModel"));
        index.put("tokenizer", List.of("transformers", "CLIPTokenizer"));
        index.put("unet", List.of("diffusers", "UNet2DConditionModel"));
        index.put("vae", List.of("diffusers", "AutoencoderKL"));
        component(dir, "unet", "config.json", unetConfig(ld.unet().config()), "diffusion_pytorch_model",
                ld.unet().stateDict(), half);
        component(dir, "vae", "config.json", vaeConfig(ld.vae().config()), "diffusion_pytorch_model",
                ld.vae().stateDict(), half);
        Map<String, Tensor> text = new LinkedHashMap<>();
        ld.clip().model().stateDict().forEach((k, v) -> {
            if (k.startsWith("text_model.")) {
                text.put(k, v);
            }
        });
        component(dir, "text_encoder", "config.json", textConfig(ld.clip().model().config().text()), "model", text,
                half);
        if (images) {
            writeImageEncoder(dir, ld.clip().imageEncoder(), half);
        }
        Path tok = Files.createDirectories(dir.resolve("tokenizer"));
        ld.clip().vocabulary().write(tok);
        var tokenizer = ld.clip().tokenizer();
        Map<String, Object> special = new LinkedHashMap<>();
        special.put("bos_token", "<|startoftext|>");
        special.put("eos_token", "<|endoftext|>");
        special.put("pad_token", tokenizer.token(tokenizer.padId()));
        special.put("unk_token", "<|endoftext|>");
        Json.write(tok.resolve("special_tokens_map.json"), special);
        Path sched = Files.createDirectories(dir.resolve("scheduler"));
        Json.write(sched.resolve("scheduler_config.json"), schedulerConfig(ld.schedule().config(),
                ld.schedule().stepsOffset()));
        Json.write(dir.resolve(DiffusersPipeline.INDEX), index);
    }

    /**
     * Gives the pipeline in {@code dir} the image encoder {@code encoder} (replacing any it had): its weights as
     * {@code image_encoder/} ({@code CLIPVisionModelWithProjection}), its preprocessing as {@code feature_extractor/}
     * ({@code CLIPImageProcessor}), both named in {@code model_index.json}.
     */
    public static void addImageEncoder(Path dir, ClipImageEncoder encoder, boolean half) {
        Path index = dir.resolve(DiffusersPipeline.INDEX);
        if (!Files.isRegularFile(index)) {
            throw new RetouchException(dir + " is not a diffusers pipeline: it has no " + DiffusersPipeline.INDEX);
        }
        try {
            AtomicFiles.deleteTree(dir.resolve("image_encoder"));
            AtomicFiles.deleteTree(dir.resolve("feature_extractor"));
            writeImageEncoder(dir, encoder, half);
            @SuppressWarnings("unchecked")
            Map<String, Object> entries = Json.read(index, LinkedHashMap.class);
            entries.put("feature_extractor", List.of("transformers", "CLIPImageProcessor"));
            entries.put("image_encoder", List.of("transformers", "CLIPVisionModelWithProjection"));
            Json.write(index, entries);
        } catch (IOException e) {
            throw new RetouchException("cannot write the image encoder into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeImageEncoder(Path dir, ClipImageEncoder enc, boolean half) throws IOException {
        component(dir, "image_encoder", "config.json", imageEncoderConfig(enc.config(), enc.projectionDim()), "model",
                enc.weights(), half);
        Path fe = Files.createDirectories(dir.resolve("feature_extractor"));
        Json.write(fe.resolve("preprocessor_config.json"), preprocessorConfig(enc.preprocessing()));
    }

    private static List<Object> nulls() {
        List<Object> l = new ArrayList<>();
        l.add(null);
        l.add(null);
        return l;
    }

    private static void component(Path dir, String name, String configName, Map<String, Object> config, String stem,
                                  Map<String, Tensor> weights, boolean half) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Map<String, Tensor> out = new LinkedHashMap<>();
        weights.forEach((k, t) -> out.put(k, half ? t.detach().to(org.bytedeco.pytorch.global.torch.ScalarType.Half)
                : t.detach()));
        Safetensors.save(d.resolve(stem + ".safetensors"), out, Map.of("format", "pt"));
        Json.write(d.resolve(configName), config);
    }

    /** A UNet structure under diffusers' {@code UNet2DConditionModel} keys. */
    public static Map<String, Object> unetConfig(UNet2DConditionConfig u) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class_name", "UNet2DConditionModel");
        c.put("act_fn", "silu");
        List<Integer> heads = new ArrayList<>();
        List<String> down = new ArrayList<>();
        List<String> up = new ArrayList<>();
        for (int i = 0; i < u.levels(); i++) {
            heads.add(u.heads(i));
            down.add(u.crossAttentionAt(i) ? "CrossAttnDownBlock2D" : "DownBlock2D");
            up.add(0, u.crossAttentionAt(i) ? "CrossAttnUpBlock2D" : "UpBlock2D");
        }
        // heads (diffusers' naming): one number when every attention level has as many (SD 1.x), else per level (2.x)
        List<Integer> attending = new ArrayList<>();
        for (int i = 0; i < u.levels(); i++) {
            if (u.crossAttentionAt(i) || i == u.levels() - 1) {
                attending.add(heads.get(i));
            }
        }
        c.put("attention_head_dim", attending.stream().distinct().count() == 1 ? attending.get(0) : heads);
        c.put("block_out_channels", u.blockOutChannels());
        c.put("cross_attention_dim", u.crossAttentionDim());
        c.put("down_block_types", down);
        c.put("dropout", u.dropout());
        c.put("flip_sin_to_cos", u.flipSinToCos());
        c.put("freq_shift", u.freqShift());
        c.put("in_channels", u.inChannels());
        c.put("layers_per_block", u.layersPerBlock());
        c.put("mid_block_type", "UNetMidBlock2DCrossAttn");
        c.put("norm_eps", u.normEps());
        c.put("norm_num_groups", u.normGroups());
        c.put("out_channels", u.outChannels());
        c.put("sample_size", u.sampleSize());
        c.put("transformer_layers_per_block", u.transformerLayersPerBlock());
        c.put("up_block_types", up);
        c.put("use_linear_projection", u.useLinearProjection());
        return c;
    }

    /** An autoencoder structure under diffusers' {@code AutoencoderKL} keys. */
    public static Map<String, Object> vaeConfig(AutoencoderKLConfig v) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class_name", "AutoencoderKL");
        c.put("act_fn", "silu");
        c.put("block_out_channels", v.blockOutChannels());
        c.put("down_block_types", v.blockOutChannels().stream().map(x -> "DownEncoderBlock2D").toList());
        c.put("in_channels", v.inChannels());
        c.put("latent_channels", v.latentChannels());
        c.put("layers_per_block", v.layersPerBlock());
        c.put("norm_num_groups", v.normGroups());
        c.put("out_channels", v.outChannels());
        c.put("sample_size", v.sampleSize());
        c.put("scaling_factor", v.scalingFactor());
        c.put("up_block_types", v.blockOutChannels().stream().map(x -> "UpDecoderBlock2D").toList());
        return c;
    }

    /** A text transformer under transformers' {@code CLIPTextConfig} keys. */
    public static Map<String, Object> textConfig(ClipConfig.Text t) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("CLIPTextModel"));
        c.put("eos_token_id", t.endTokenId());
        c.put("hidden_act", t.activation().name().toLowerCase(Locale.ROOT));
        c.put("hidden_size", t.width());
        c.put("intermediate_size", t.mlpWidth());
        c.put("layer_norm_eps", t.layerNormEps());
        c.put("max_position_embeddings", t.maxPositions());
        c.put("model_type", "clip_text_model");
        c.put("num_attention_heads", t.heads());
        c.put("num_hidden_layers", t.layers());
        c.put("vocab_size", t.vocabSize());
        return c;
    }

    /** A vision tower and projection under transformers' {@code CLIPVisionConfig} keys. */
    public static Map<String, Object> imageEncoderConfig(ClipConfig.Vision v, int projectionDim) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("CLIPVisionModelWithProjection"));
        c.put("hidden_act", v.activation().name().toLowerCase(Locale.ROOT));
        c.put("hidden_size", v.width());
        c.put("image_size", v.imageSize());
        c.put("intermediate_size", v.mlpWidth());
        c.put("layer_norm_eps", v.layerNormEps());
        c.put("model_type", "clip_vision_model");
        c.put("num_attention_heads", v.heads());
        c.put("num_channels", v.channels());
        c.put("num_hidden_layers", v.layers());
        c.put("patch_size", v.patchSize());
        c.put("projection_dim", projectionDim);
        return c;
    }

    /** Image preprocessing under transformers' {@code CLIPImageProcessor} keys. */
    public static Map<String, Object> preprocessorConfig(ClipImageEncoder.Preprocessing p) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("crop_size", Map.of("height", p.size(), "width", p.size()));
        c.put("do_center_crop", true);
        c.put("do_convert_rgb", true);
        c.put("do_normalize", true);
        c.put("do_rescale", true);
        c.put("do_resize", true);
        c.put("image_mean", java.util.Arrays.stream(p.mean()).boxed().toList());
        c.put("image_processor_type", "CLIPImageProcessor");
        c.put("image_std", java.util.Arrays.stream(p.std()).boxed().toList());
        c.put("resample", 3);
        c.put("rescale_factor", 1.0 / 255);
        c.put("size", Map.of("shortest_edge", p.size()));
        return c;
    }

    /** A noise schedule as diffusers' {@code DDIMScheduler} config. */
    public static Map<String, Object> schedulerConfig(NoiseScheduleConfig n, int stepsOffset) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class_name", "DDIMScheduler");
        c.put("beta_end", n.betaEnd());
        c.put("beta_schedule", switch (n.betaSchedule()) {
            case LINEAR -> "linear";
            case SCALED_LINEAR -> "scaled_linear";
            case COSINE -> "squaredcos_cap_v2";
        });
        c.put("beta_start", n.betaStart());
        c.put("clip_sample", n.clipSample());
        c.put("clip_sample_range", n.clipSampleRange());
        c.put("num_train_timesteps", n.numTrainTimesteps());
        c.put("prediction_type", switch (n.predictionType()) {
            case EPSILON -> "epsilon";
            case V_PREDICTION -> "v_prediction";
            case SAMPLE -> "sample";
        });
        c.put("set_alpha_to_one", false);
        c.put("steps_offset", stepsOffset);
        c.put("timestep_spacing", "leading");
        return c;
    }
}
