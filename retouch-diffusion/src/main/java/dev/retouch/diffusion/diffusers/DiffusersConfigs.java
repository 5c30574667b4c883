package dev.retouch.diffusion.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipImageEncoder;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.PredictionType;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * diffusers' and transformers' {@code config.json} files read into our config records, key by key, with their
 * defaults where a key is absent and their quirks:
 * <ul>
 *   <li>UNet: {@code attention_head_dim} means the number of heads when {@code num_attention_heads} is absent (the
 *   Stable Diffusion 1.x configs: 8 heads; 2.x: a list of heads per level, [5, 10, 20, 20] = 64-wide heads);
 *   block types give the cross-attention levels; {@code upcast_attention} only changes fp16 arithmetic (our CPU
 *   path computes attention in float32 anyway).</li>
 *   <li>VAE: {@code scaling_factor} (0.18215 when absent, as diffusers).</li>
 *   <li>text encoder: {@code hidden_act} quick_gelu (OpenAI CLIP, SD 1.x) or gelu (OpenCLIP, SD 2.x); its
 *   {@code eos_token_id} is not read (old configs say 2, transformers then finds the end token by the highest id):
 *   the end token comes from the tokenizer.</li>
 *   <li>scheduler: {@code beta_schedule} linear / scaled_linear / squaredcos_cap_v2, {@code prediction_type}
 *   epsilon / v_prediction / sample.</li>
 * </ul>
 * Everything our classes cannot build (SDXL's added embeddings, class embeddings, other block types, other
 * activations) is one error naming the file, the key and its value; unknown keys that do not change the
 * architecture are ignored.
 */
public final class DiffusersConfigs {
    private DiffusersConfigs() {
    }

    /** The scheduler settings our samplers do not take from the noise schedule (reported, not applied). */
    public record SchedulerExtras(String className, int stepsOffset, String timestepSpacing) {
    }

    /** {@code unet/config.json} → the UNet's structure. */
    public static UNet2DConditionConfig unet(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        r.requireClass("UNet2DConditionModel");
        r.requireAbsentOrNull("class_embed_type", "addition_embed_type", "time_cond_proj_dim", "encoder_hid_dim",
                "encoder_hid_dim_type", "class_embeddings_concat", "addition_time_embed_dim",
                "projection_class_embeddings_input_dim", "num_class_embeds", "attention_type");
        r.requireValue("act_fn", "silu");
        r.requireValue("resnet_time_scale_shift", "default");
        r.requireValue("time_embedding_type", "positional");
        r.requireFalse("center_input_sample", "dual_cross_attention", "only_cross_attention", "resnet_skip_time_act",
                "mid_block_only_cross_attention");
        r.requireNumber("conv_in_kernel", 3);
        r.requireNumber("conv_out_kernel", 3);
        r.requireNumber("downsample_padding", 1);
        r.requireNumber("mid_block_scale_factor", 1);
        r.requireNumber("resnet_out_scale_factor", 1);
        List<Integer> channels = r.ints("block_out_channels", List.of(320, 640, 1280, 1280));
        int levels = channels.size();
        List<String> down = r.strings("down_block_types", List.of("CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                "CrossAttnDownBlock2D", "DownBlock2D"));
        List<String> up = r.strings("up_block_types", List.of("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                "CrossAttnUpBlock2D"));
        if (down.size() != levels || up.size() != levels) {
            throw r.error("down_block_types and up_block_types need one entry per block_out_channels entry ("
                    + levels + "), found " + down.size() + " and " + up.size());
        }
        List<Boolean> cross = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            boolean d = switch (down.get(i)) {
                case "CrossAttnDownBlock2D" -> true;
                case "DownBlock2D" -> false;
                default -> throw r.unsupported("down_block_types", down.get(i));
            };
            String u = up.get(levels - 1 - i);
            boolean a = switch (u) {
                case "CrossAttnUpBlock2D" -> true;
                case "UpBlock2D" -> false;
                default -> throw r.unsupported("up_block_types", u);
            };
            if (a != d) {
                throw r.error("up_block_types must mirror down_block_types (level " + i + " is " + down.get(i)
                        + " going down and " + u + " going up)");
            }
            cross.add(d);
        }
        String mid = r.text("mid_block_type", "UNetMidBlock2DCrossAttn");
        if (!"UNetMidBlock2DCrossAttn".equals(mid)) {
            throw r.unsupported("mid_block_type", mid);
        }
        int layers = r.uniform("layers_per_block", 2, levels);
        int transformerLayers = r.uniform("transformer_layers_per_block", 1, levels);
        int crossDim = r.uniform("cross_attention_dim", 1280, levels);
        // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (the naming quirk)
        String headsKey = r.present("num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
        List<Integer> heads = r.perLevel(headsKey, 8, levels);
        int fixedHeads = 0;
        int fixedHeadDim = 0;
        List<Integer> headDims = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        List<Integer> usedDims = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            if (cross.get(i) || i == levels - 1) { // the levels with attention (the last one: the middle block)
                if (heads.get(i) <= 0 || channels.get(i) % heads.get(i) != 0) {
                    throw r.error(headsKey + " gives " + heads.get(i) + " heads to level " + i + " of "
                            + channels.get(i) + " channels, which does not divide");
                }
                used.add(heads.get(i));
                usedDims.add(channels.get(i) / heads.get(i));
                headDims.add(channels.get(i) / heads.get(i));
            }
        }
        if (used.stream().distinct().count() == 1) {
            fixedHeads = used.get(0);
        } else if (usedDims.stream().distinct().count() == 1) {
            fixedHeadDim = usedDims.get(0);
        } else {
            throw r.error(headsKey + " " + heads + " gives neither the same number of heads nor the same head width "
                    + headDims + " at every attention level; our UNet supports one of the two");
        }
        int sample = r.integer("sample_size", 64);
        int groups = r.integer("norm_num_groups", 32);
        try {
            return new UNet2DConditionConfig(sample, r.integer("in_channels", 4), r.integer("out_channels", 4),
                    channels, layers, cross, crossDim, fixedHeads, fixedHeadDim, transformerLayers,
                    r.bool("use_linear_projection", false), groups, r.number("norm_eps", 1e-5), r.number("dropout", 0.0),
                    r.bool("flip_sin_to_cos", true), r.integer("freq_shift", 0));
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code vae/config.json} → the autoencoder's structure. */
    public static AutoencoderKLConfig vae(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        r.requireClass("AutoencoderKL");
        r.requireValue("act_fn", "silu");
        r.requireAbsentOrNull("shift_factor", "latents_mean", "latents_std");
        if (r.present("use_quant_conv") && !c.get("use_quant_conv").asBoolean()
                || r.present("use_post_quant_conv") && !c.get("use_post_quant_conv").asBoolean()) {
            throw r.error("an autoencoder without quant_conv / post_quant_conv is not supported yet");
        }
        if (r.present("mid_block_add_attention") && !c.get("mid_block_add_attention").asBoolean()) {
            throw r.unsupported("mid_block_add_attention", "false");
        }
        List<Integer> channels = r.ints("block_out_channels", List.of(64));
        for (String type : r.strings("down_block_types", List.of("DownEncoderBlock2D"))) {
            if (!type.equals("DownEncoderBlock2D")) {
                throw r.unsupported("down_block_types", type);
            }
        }
        for (String type : r.strings("up_block_types", List.of("UpDecoderBlock2D"))) {
            if (!type.equals("UpDecoderBlock2D")) {
                throw r.unsupported("up_block_types", type);
            }
        }
        try {
            return new AutoencoderKLConfig(r.integer("sample_size", 32), r.integer("in_channels", 3),
                    r.integer("out_channels", 3), r.integer("latent_channels", 4), channels,
                    r.integer("layers_per_block", 1), r.integer("norm_num_groups", 32), 1e-6,
                    r.number("scaling_factor", 0.18215));
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code text_encoder/config.json} (transformers' CLIPTextConfig) → the text transformer, ending in {@code endTokenId}. */
    public static ClipConfig.Text textEncoder(JsonNode c, Path file, int endTokenId) {
        Reader r = new Reader(c, file);
        JsonNode arch = c.get("architectures");
        if (arch != null && arch.isArray() && !arch.isEmpty()) {
            String a = arch.get(0).asText();
            if (!a.equals("CLIPTextModel")) {
                throw r.error("architectures names " + a + "; only CLIPTextModel (the text encoder of Stable "
                        + "Diffusion 1.x and 2.x) is supported yet");
            }
        }
        ClipConfig.Activation activation = activation(r);
        try {
            return new ClipConfig.Text(r.integer("vocab_size", 49408), r.integer("max_position_embeddings", 77),
                    r.integer("hidden_size", 512), r.integer("num_hidden_layers", 12),
                    r.integer("num_attention_heads", 8), r.integer("intermediate_size", 2048),
                    r.number("layer_norm_eps", 1e-5), activation, endTokenId);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** transformers' {@code hidden_act} of a CLIP tower: {@code quick_gelu} (the default) or {@code gelu}. */
    private static ClipConfig.Activation activation(Reader r) {
        String act = r.text("hidden_act", "quick_gelu");
        return switch (act) {
            case "quick_gelu" -> ClipConfig.Activation.QUICK_GELU;
            case "gelu" -> ClipConfig.Activation.GELU;
            default -> throw r.unsupported("hidden_act", act);
        };
    }

    /** An {@code image_encoder}'s structure: the vision tower and the width of its projection. */
    public record ImageEncoder(ClipConfig.Vision vision, int projectionDim) {
    }

    /** {@code image_encoder/config.json} (transformers' CLIPVisionConfig of a CLIPVisionModelWithProjection). */
    public static ImageEncoder imageEncoder(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        JsonNode arch = c.get("architectures");
        if (arch != null && arch.isArray() && !arch.isEmpty()) {
            String a = arch.get(0).asText();
            if (!a.equals("CLIPVisionModelWithProjection")) {
                throw r.error("architectures names " + a + "; only CLIPVisionModelWithProjection is supported as an "
                        + "image encoder");
            }
        }
        ClipConfig.Activation activation = activation(r);
        try {
            ClipConfig.Vision v = new ClipConfig.Vision(r.integer("image_size", 224), r.integer("patch_size", 32),
                    r.integer("num_channels", 3), r.integer("hidden_size", 768), r.integer("num_hidden_layers", 12),
                    r.integer("num_attention_heads", 12), r.integer("intermediate_size", 3072),
                    r.number("layer_norm_eps", 1e-5), activation);
            int projection = r.integer("projection_dim", 512);
            if (projection <= 0) {
                throw r.error("projection_dim must be positive, got " + projection);
            }
            return new ImageEncoder(v, projection);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code feature_extractor/preprocessor_config.json} (transformers' CLIPImageProcessor) → resize size, mean and
     * standard deviation. Square inputs are resized to the crop size; a resize edge other than the crop size (resize
     * then crop) and switched-off normalisation or rescaling are refused as not supported yet.
     */
    public static ClipImageEncoder.Preprocessing preprocessing(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        int crop = side(r, c.get("crop_size"), "crop_size");
        int edge = side(r, c.get("size"), "size");
        if (r.bool("do_center_crop", true) && edge != crop) {
            throw r.error("resizing to " + edge + " and cropping to " + crop + " is not supported yet (only a resize "
                    + "to the crop size)");
        }
        if (!r.bool("do_normalize", true) || !r.bool("do_rescale", true)
                || Math.abs(r.number("rescale_factor", 1.0 / 255) - 1.0 / 255) > 1e-12) {
            throw r.error("only rescaling by 1/255 and normalising is supported yet");
        }
        List<Double> mean = doubles(r, c.get("image_mean"), "image_mean");
        List<Double> std = doubles(r, c.get("image_std"), "image_std");
        try {
            return new ClipImageEncoder.Preprocessing(crop, mean.stream().mapToDouble(Double::doubleValue).toArray(),
                    std.stream().mapToDouble(Double::doubleValue).toArray());
        } catch (IllegalArgumentException e) {
            throw r.error(e.getMessage());
        }
    }

    private static int side(Reader r, JsonNode v, String key) {
        if (v == null || v.isNull()) {
            return 224;
        }
        if (v.isIntegralNumber()) {
            return v.asInt();
        }
        if (v.has("shortest_edge")) {
            return v.get("shortest_edge").asInt();
        }
        if (v.has("height") && v.has("width") && v.get("height").asInt() == v.get("width").asInt()) {
            return v.get("height").asInt();
        }
        throw r.error(key + " " + v + " is not supported yet (a square size or a shortest edge)");
    }

    private static List<Double> doubles(Reader r, JsonNode v, String key) {
        if (v == null || v.isNull()) {
            double[] d = key.equals("image_mean") ? ClipImageEncoder.Preprocessing.OPENAI_MEAN
                    : ClipImageEncoder.Preprocessing.OPENAI_STD;
            return java.util.Arrays.stream(d).boxed().toList();
        }
        if (!v.isArray() || v.size() != 3) {
            throw r.error(key + " must be three numbers, got " + v);
        }
        List<Double> out = new java.util.ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isNumber()) {
                throw r.error(key + " must be three numbers, got " + v);
            }
            out.add(x.asDouble());
        }
        return out;
    }

    private static final Set<String> SCHEDULERS_CLIPPING_BY_DEFAULT = Set.of("DDIMScheduler", "DDPMScheduler");

    /** {@code scheduler/scheduler_config.json} → the training noise schedule. */
    public static NoiseScheduleConfig scheduler(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        if (r.present("trained_betas") && !c.get("trained_betas").isNull()) {
            throw r.unsupported("trained_betas", "a list of betas");
        }
        String schedule = r.text("beta_schedule", "linear");
        BetaSchedule beta = switch (schedule) {
            case "linear" -> BetaSchedule.LINEAR;
            case "scaled_linear" -> BetaSchedule.SCALED_LINEAR;
            case "squaredcos_cap_v2" -> BetaSchedule.COSINE;
            default -> throw r.unsupported("beta_schedule", schedule);
        };
        String prediction = r.text("prediction_type", "epsilon");
        PredictionType type = switch (prediction) {
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction" -> PredictionType.V_PREDICTION;
            case "sample" -> PredictionType.SAMPLE;
            default -> throw r.unsupported("prediction_type", prediction);
        };
        String cls = c.path("_class_name").asText("");
        try {
            return new NoiseScheduleConfig(r.integer("num_train_timesteps", 1000), r.number("beta_start", 0.0001),
                    r.number("beta_end", 0.02), beta, type,
                    r.bool("clip_sample", SCHEDULERS_CLIPPING_BY_DEFAULT.contains(cls)),
                    r.number("clip_sample_range", 1.0));
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** The scheduler settings that are not part of the noise schedule. */
    public static SchedulerExtras schedulerExtras(JsonNode c, Path file) {
        Reader r = new Reader(c, file);
        return new SchedulerExtras(c.path("_class_name").asText("?"), r.integer("steps_offset", 0),
                r.text("timestep_spacing", "leading"));
    }

    /** Typed access to one config file's keys, each absent key taking diffusers' default. */
    private static final class Reader {
        private final JsonNode c;
        private final Path file;

        Reader(JsonNode c, Path file) {
            if (c == null || !c.isObject()) {
                throw new RetouchException(file + ": expected a JSON object");
            }
            this.c = c;
            this.file = file;
        }

        RetouchException error(String message) {
            return new RetouchException(file + ": " + message);
        }

        RetouchException unsupported(String key, String value) {
            return error(key + " " + value + " is not supported yet");
        }

        boolean present(String key) {
            return c.has(key) && !c.get(key).isNull();
        }

        void requireClass(String expected) {
            String cls = c.path("_class_name").asText(expected);
            if (!cls.equals(expected)) {
                throw error("_class_name is " + cls + "; expected " + expected + " (" + cls + " is not supported yet)");
            }
        }

        void requireAbsentOrNull(String... keys) {
            for (String k : keys) {
                if (present(k)) {
                    throw unsupported(k, c.get(k).toString());
                }
            }
        }

        void requireValue(String key, String expected) {
            if (present(key) && !c.get(key).asText().equals(expected)) {
                throw unsupported(key, c.get(key).toString());
            }
        }

        void requireFalse(String... keys) {
            for (String k : keys) {
                if (present(k) && c.get(k).asBoolean(true)) {
                    throw unsupported(k, c.get(k).toString());
                }
            }
        }

        void requireNumber(String key, double expected) {
            if (present(key) && c.get(key).asDouble() != expected) {
                throw unsupported(key, c.get(key).toString());
            }
        }

        int integer(String key, int fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (v.isArray() && v.size() == 2 && v.get(0).asInt() == v.get(1).asInt()) {
                v = v.get(0); // a square sample_size written as [h, w]
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw error(key + " must be an integer, found " + v);
            }
            return v.intValue();
        }

        double number(String key, double fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (!v.isNumber()) {
                throw error(key + " must be a number, found " + v);
            }
            return v.doubleValue();
        }

        boolean bool(String key, boolean fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (!v.isBoolean()) {
                throw error(key + " must be true or false, found " + v);
            }
            return v.booleanValue();
        }

        String text(String key, String fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (!v.isTextual()) {
                throw error(key + " must be a string, found " + v);
            }
            return v.textValue();
        }

        List<Integer> ints(String key, List<Integer> fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (!v.isArray() || v.isEmpty()) {
                throw error(key + " must be a non-empty list of integers, found " + v);
            }
            List<Integer> out = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isIntegralNumber()) {
                    throw error(key + " must be a list of integers, found " + v);
                }
                out.add(x.intValue());
            }
            return out;
        }

        List<String> strings(String key, List<String> fallback) {
            if (!present(key)) {
                return fallback;
            }
            JsonNode v = c.get(key);
            if (!v.isArray()) {
                throw error(key + " must be a list of strings, found " + v);
            }
            List<String> out = new ArrayList<>();
            v.forEach(x -> out.add(x.asText()));
            return out;
        }

        /** An integer or a per-level list of them. */
        List<Integer> perLevel(String key, int fallback, int levels) {
            if (present(key) && c.get(key).isArray()) {
                List<Integer> v = ints(key, List.of());
                if (v.size() != levels) {
                    throw error(key + " has " + v.size() + " entries for " + levels + " levels");
                }
                return v;
            }
            int one = integer(key, fallback);
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < levels; i++) {
                out.add(one);
            }
            return out;
        }

        /** An integer or a per-level list whose entries must all be equal (our UNet has one value). */
        int uniform(String key, int fallback, int levels) {
            List<Integer> v = perLevel(key, fallback, levels);
            if (v.stream().distinct().count() != 1) {
                throw error(key + " " + v + " differs between levels; one value for all levels is supported yet");
            }
            return v.get(0);
        }
    }
}
