package dev.retouch.diffusion.diffusers;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.io.TensorInfo;
import dev.retouch.core.nn.Module;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.model.LdmConfig;
import dev.retouch.diffusion.schedule.BetaSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.schedule.PredictionType;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Stable Diffusion 1.x checkpoint in the original single-file layout (the CompVis/Stability {@code .safetensors}
 * with {@code model.diffusion_model.*}, {@code first_stage_model.*} and {@code cond_stage_model.transformer.*})
 * converted on load into diffusers' names and our classes. The structure is read from the tensors' shapes (levels,
 * channels, layers per block, cross-attention levels, context width, projections as 1×1 convolutions or linear maps,
 * the text transformer's size); what the weights do not say is Stable Diffusion 1.x's: 8 attention heads (64-wide
 * heads when the context is 1024 wide), the scaled-linear ε schedule (0.00085–0.012 over 1000 steps), the autoencoder's
 * scaling factor 0.18215, QuickGELU, and OpenAI CLIP's tokenizer (bundled). EMA copies and the training schedule's
 * buffers in the file are not read. SD 2.x (OpenCLIP text encoder) and SDXL files are refused by name.
 */
public final class SingleFileCheckpoint {
    static final String UNET = "model.diffusion_model.";
    static final String VAE = "first_stage_model.";
    static final String TEXT = "cond_stage_model.transformer.";

    private SingleFileCheckpoint() {
    }

    /** Whether {@code file} is a safetensors file holding an original-layout diffusion model. */
    public static boolean isSingleFile(Path file) {
        if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".safetensors")) {
            return false;
        }
        try {
            return Safetensors.parse(file).tensor(UNET + "input_blocks.0.0.weight").isPresent();
        } catch (RetouchException e) {
            return false;
        }
    }

    /** Loads the checkpoint {@code file} (weights converted to float32). */
    public static LatentDiffusion load(Path file) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorInfo t : Safetensors.parse(file).tensors()) {
            shapes.put(t.name(), t.shape());
        }
        if (shapes.keySet().stream().anyMatch(k -> k.startsWith("conditioner.embedders."))) {
            throw new RetouchException(file + ": an SDXL checkpoint (conditioner.embedders.*) is not supported yet");
        }
        if (shapes.keySet().stream().anyMatch(k -> k.startsWith("cond_stage_model.model."))) {
            throw new RetouchException(file + ": a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder, "
                    + "cond_stage_model.model.*) is not supported yet as a single file; use its diffusers directory");
        }
        if (shapes.keySet().stream().noneMatch(k -> k.startsWith(TEXT))) {
            throw new RetouchException(file + ": no text encoder (" + TEXT + "*) in the checkpoint");
        }
        UNet2DConditionConfig unetConfig = unetConfig(shapes, file);
        AutoencoderKLConfig vaeConfig = vaeConfig(shapes, file);
        BpeVocabulary vocabulary = BpeVocabulary.openAiClip();
        ClipConfig.Text textConfig = textConfig(shapes, file, vocabulary.ids().get("<|endoftext|>"));

        Map<String, Map<String, Tensor>> parts = new LinkedHashMap<>();
        for (String c : List.of("unet", "vae", "text_encoder")) {
            parts.put(c, new LinkedHashMap<>());
        }
        int layers = unetConfig.layersPerBlock();
        int vaeLevels = vaeConfig.blockOutChannels().size();
        for (Map.Entry<String, Tensor> e : Safetensors.load(file).entrySet()) {
            Target to = target(e.getKey(), layers, vaeLevels);
            if (to != null) {
                Tensor t = e.getValue();
                parts.get(to.component()).put(to.name(), to.matrix() && t.dim() == 4 ? t.reshape(t.size(0), t.size(1)) : t);
            }
        }
        UNet2DConditionModel unet = strict(new UNet2DConditionModel(unetConfig), parts.get("unet"), file, "the UNet ("
                + UNET + "*)");
        AutoencoderKL vae = strict(new AutoencoderKL(vaeConfig), parts.get("vae"), file, "the autoencoder (" + VAE + "*)");
        ClipModel text = strict(new ClipModel(ClipConfig.textOnly(textConfig)), parts.get("text_encoder"), file,
                "the text encoder (" + TEXT + "*)");
        NoiseScheduleConfig noise = new NoiseScheduleConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR,
                PredictionType.EPSILON, false, 1.0);
        LdmConfig config = new LdmConfig(LdmConfig.TYPE, unetConfig, noise, file.getFileName().toString(),
                file.getFileName().toString());
        try {
            // SD 1.x's scheduler config: steps_offset 1 (50 DDIM steps visit 981 … 1)
            return LatentDiffusion.of(new LatentDiffusionModel(config, unet, 1), vae, new Clip(text, vocabulary));
        } catch (RetouchException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What {@code file} holds, as {@link DiffusersPipeline#inspect} says it of a pipeline: the structure read from the
     * shapes, parameter counts, and every difference between the tensors our classes expect and the file's (names
     * converted, shapes from the header; no weight is read).
     */
    public static List<DiffusersPipeline.Component> inspect(Path file) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorInfo t : Safetensors.parse(file).tensors()) {
            shapes.put(t.name(), t.shape());
        }
        UNet2DConditionConfig u = unetConfig(shapes, file);
        AutoencoderKLConfig v = vaeConfig(shapes, file);
        ClipConfig.Text t = textConfig(shapes, file, 49407);
        Map<String, Map<String, long[]>> parts = new LinkedHashMap<>();
        for (String c : List.of("unet", "vae", "text_encoder")) {
            parts.put(c, new LinkedHashMap<>());
        }
        shapes.forEach((k, s) -> {
            Target to = target(k, u.layersPerBlock(), v.blockOutChannels().size());
            if (to != null) {
                parts.get(to.component()).put(to.name(), to.matrix() && s.length == 4 ? new long[]{s[0], s[1]} : s);
            }
        });
        Map<String, long[]> unet = parts.get("unet");
        Map<String, long[]> vae = parts.get("vae");
        Map<String, long[]> text = parts.get("text_encoder");
        return List.of(
                DiffusersPipeline.compare("unet", DiffusersPipeline.unetSummary(u), new UNet2DConditionModel(u), unet),
                DiffusersPipeline.compare("vae", DiffusersPipeline.vaeSummary(v), new AutoencoderKL(v), vae),
                DiffusersPipeline.compare("text_encoder", DiffusersPipeline.textSummary(t),
                        new ClipModel(ClipConfig.textOnly(t)), text));
    }

    /** Where a stored tensor goes: its component, its name there, whether a 1×1 convolution becomes a matrix. */
    private record Target(String component, String name, boolean matrix) {
    }

    /** The target of the stored tensor {@code k}, or null for one that is not read (EMA copies, schedule buffers). */
    private static Target target(String k, int layers, int vaeLevels) {
        if (k.startsWith(UNET)) {
            return new Target("unet", unetName(k.substring(UNET.length()), layers), false);
        }
        if (k.startsWith(VAE)) {
            String n = vaeName(k.substring(VAE.length()), vaeLevels);
            return new Target("vae", n, n.contains(".attentions.0.to_"));
        }
        if (k.startsWith(TEXT) && !k.endsWith("position_ids")) {
            String rest = k.substring(TEXT.length());
            return new Target("text_encoder", rest.startsWith("text_model.") ? rest : "text_model." + rest, false);
        }
        return null;
    }

    private static <M extends Module> M strict(M module, Map<String, Tensor> weights, Path file, String what) {
        try {
            module.loadStateDict(weights, true);
        } catch (RetouchException e) {
            throw new RetouchException(file + ": " + what + ": " + e.getMessage(), e);
        }
        module.eval();
        return module;
    }

    private static long[] shape(Map<String, long[]> shapes, String key, Path file) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new RetouchException(file + ": tensor " + key + " is missing");
        }
        return s;
    }

    /** The UNet's structure from its tensors' shapes (heads: 8, or 64-wide with a 1024-wide context). */
    static UNet2DConditionConfig unetConfig(Map<String, long[]> shapes, Path file) {
        int layers = 1;
        while (!shapes.containsKey(UNET + "input_blocks." + (layers + 1) + ".0.op.weight")) {
            layers++;
            if (layers > 16) {
                throw new RetouchException(file + ": no downsampler found in " + UNET + "input_blocks.*");
            }
        }
        List<Integer> channels = new ArrayList<>();
        List<Boolean> cross = new ArrayList<>();
        for (int level = 0; ; level++) {
            String first = UNET + "input_blocks." + (1 + level * (layers + 1));
            long[] conv1 = shapes.get(first + ".0.in_layers.2.weight");
            if (conv1 == null) {
                break;
            }
            channels.add((int) conv1[0]);
            cross.add(shapes.containsKey(first + ".1.proj_in.weight"));
        }
        long[] projIn = shape(shapes, UNET + "middle_block.1.proj_in.weight", file);
        long[] toK = shape(shapes, UNET + "middle_block.1.transformer_blocks.0.attn2.to_k.weight", file);
        int context = (int) toK[1];
        int transformerLayers = 0;
        while (shapes.containsKey(UNET + "middle_block.1.transformer_blocks." + transformerLayers + ".norm1.weight")) {
            transformerLayers++;
        }
        int heads = context == 1024 ? 0 : 8;
        int headDim = context == 1024 ? 64 : 0;
        long[] convIn = shape(shapes, UNET + "input_blocks.0.0.weight", file);
        long[] convOut = shape(shapes, UNET + "out.2.weight", file);
        try {
            return new UNet2DConditionConfig(64, (int) convIn[1], (int) convOut[0], channels, layers, cross, context,
                    heads, headDim, transformerLayers, projIn.length == 2, 32, 1e-5, 0.0, true, 0);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** The autoencoder's structure from its tensors' shapes. */
    static AutoencoderKLConfig vaeConfig(Map<String, long[]> shapes, Path file) {
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; shapes.containsKey(VAE + "encoder.down." + i + ".block.0.conv1.weight"); i++) {
            channels.add((int) shapes.get(VAE + "encoder.down." + i + ".block.0.conv1.weight")[0]);
        }
        int layers = 0;
        while (shapes.containsKey(VAE + "encoder.down.0.block." + layers + ".conv1.weight")) {
            layers++;
        }
        long[] quant = shape(shapes, VAE + "quant_conv.weight", file);
        long[] convIn = shape(shapes, VAE + "encoder.conv_in.weight", file);
        long[] convOut = shape(shapes, VAE + "decoder.conv_out.weight", file);
        try {
            return new AutoencoderKLConfig(512, (int) convIn[1], (int) convOut[0], (int) quant[0] / 2, channels, layers,
                    32, 1e-6, 0.18215);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    /** The text transformer's size from its tensors' shapes (64-wide heads, QuickGELU: OpenAI CLIP). */
    static ClipConfig.Text textConfig(Map<String, long[]> shapes, Path file, int endTokenId) {
        String p = shapes.containsKey(TEXT + "text_model.embeddings.token_embedding.weight") ? TEXT + "text_model."
                : TEXT;
        long[] tokens = shape(shapes, p + "embeddings.token_embedding.weight", file);
        long[] positions = shape(shapes, p + "embeddings.position_embedding.weight", file);
        long[] fc1 = shape(shapes, p + "encoder.layers.0.mlp.fc1.weight", file);
        int layers = 0;
        while (shapes.containsKey(p + "encoder.layers." + layers + ".mlp.fc1.weight")) {
            layers++;
        }
        int width = (int) tokens[1];
        try {
            return new ClipConfig.Text((int) tokens[0], (int) positions[0], width, layers, Math.max(1, width / 64),
                    (int) fc1[0], 1e-5, ClipConfig.Activation.QUICK_GELU, endTokenId);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(file + ": " + e.getMessage(), e);
        }
    }

    private static final Pattern INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.*)");
    private static final Pattern MIDDLE = Pattern.compile("middle_block\\.(\\d+)\\.(.*)");
    private static final Pattern OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.*)");

    /** diffusers' name of an original UNet tensor (without the {@code model.diffusion_model.} prefix). */
    static String unetName(String k, int layers) {
        if (k.startsWith("time_embed.0.")) {
            return "time_embedding.linear_1." + k.substring("time_embed.0.".length());
        }
        if (k.startsWith("time_embed.2.")) {
            return "time_embedding.linear_2." + k.substring("time_embed.2.".length());
        }
        if (k.startsWith("input_blocks.0.0.")) {
            return "conv_in." + k.substring("input_blocks.0.0.".length());
        }
        if (k.startsWith("out.0.")) {
            return "conv_norm_out." + k.substring("out.0.".length());
        }
        if (k.startsWith("out.2.")) {
            return "conv_out." + k.substring("out.2.".length());
        }
        Matcher m = INPUT.matcher(k);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1)) - 1;
            int level = i / (layers + 1);
            int at = i % (layers + 1);
            String rest = m.group(3);
            if (at == layers) {
                return "down_blocks." + level + ".downsamplers.0.conv." + rest.replaceFirst("^op\\.", "");
            }
            return "down_blocks." + level + (m.group(2).equals("0") ? ".resnets." + at + "." + resnet(rest)
                    : ".attentions." + at + "." + rest);
        }
        m = MIDDLE.matcher(k);
        if (m.matches()) {
            return switch (m.group(1)) {
                case "0" -> "mid_block.resnets.0." + resnet(m.group(2));
                case "1" -> "mid_block.attentions.0." + m.group(2);
                default -> "mid_block.resnets.1." + resnet(m.group(2));
            };
        }
        m = OUTPUT.matcher(k);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            int level = i / (layers + 1);
            int at = i % (layers + 1);
            String rest = m.group(3);
            if (m.group(2).equals("0")) {
                return "up_blocks." + level + ".resnets." + at + "." + resnet(rest);
            }
            if (rest.startsWith("conv.")) {
                return "up_blocks." + level + ".upsamplers.0." + rest;
            }
            return "up_blocks." + level + ".attentions." + at + "." + rest;
        }
        return k; // not part of the UNet: the strict load names it
    }

    private static String resnet(String rest) {
        return rest.replace("in_layers.0.", "norm1.").replace("in_layers.2.", "conv1.")
                .replace("emb_layers.1.", "time_emb_proj.").replace("out_layers.0.", "norm2.")
                .replace("out_layers.3.", "conv2.").replace("skip_connection.", "conv_shortcut.");
    }

    private static final Pattern VAE_DOWN = Pattern.compile("encoder\\.down\\.(\\d+)\\.(block|downsample)\\.(.*)");
    private static final Pattern VAE_UP = Pattern.compile("decoder\\.up\\.(\\d+)\\.(block|upsample)\\.(.*)");

    /** diffusers' name of an original autoencoder tensor (without {@code first_stage_model.}). */
    static String vaeName(String k, int levels) {
        Matcher m = VAE_DOWN.matcher(k);
        if (m.matches()) {
            return "encoder.down_blocks." + m.group(1) + (m.group(2).equals("block") ? ".resnets." + vaeResnet(m.group(3))
                    : ".downsamplers.0." + m.group(3));
        }
        m = VAE_UP.matcher(k);
        if (m.matches()) {
            int level = levels - 1 - Integer.parseInt(m.group(1));
            return "decoder.up_blocks." + level + (m.group(2).equals("block") ? ".resnets." + vaeResnet(m.group(3))
                    : ".upsamplers.0." + m.group(3));
        }
        String n = k.replace(".mid.block_1.", ".mid_block.resnets.0.").replace(".mid.block_2.", ".mid_block.resnets.1.")
                .replace(".mid.attn_1.norm.", ".mid_block.attentions.0.group_norm.")
                .replace(".mid.attn_1.q.", ".mid_block.attentions.0.to_q.")
                .replace(".mid.attn_1.k.", ".mid_block.attentions.0.to_k.")
                .replace(".mid.attn_1.v.", ".mid_block.attentions.0.to_v.")
                .replace(".mid.attn_1.proj_out.", ".mid_block.attentions.0.to_out.0.")
                .replace("encoder.norm_out.", "encoder.conv_norm_out.").replace("decoder.norm_out.", "decoder.conv_norm_out.");
        return n.replace(".nin_shortcut.", ".conv_shortcut.");
    }

    private static String vaeResnet(String rest) {
        return rest.replace("nin_shortcut.", "conv_shortcut.");
    }
}
