package dev.retouch.diffusion.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipImageEncoder;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.clip.ClipVisionModelWithProjection;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.model.LdmConfig;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Stable Diffusion 1.x / 2.x pipeline directory in diffusers' layout ({@code model_index.json}, {@code unet/},
 * {@code vae/}, {@code text_encoder/}, {@code tokenizer/}, {@code scheduler/}) loaded into our classes: the same
 * {@link LatentDiffusion} every latent method runs on. Configs are read by {@link DiffusersConfigs}, weights by
 * {@link DiffusersWeights} (single, fp16 or sharded safetensors), each component strictly (a missing, extra or
 * misshapen tensor is an error naming the weights file and the tensor).
 *
 * <p>An optional {@code image_encoder} ({@code CLIPVisionModelWithProjection}, preprocessed as its
 * {@code feature_extractor} says, else as OpenAI CLIP) gives the text encoder an image half: the CLIP image tokens
 * and features that portrait editing conditions on.
 *
 * <p>Not supported yet, each with one error naming the pipeline class: SDXL (two text encoders), SD3/Flux and
 * other transformer-based pipelines, anything whose components are not UNet2DConditionModel, AutoencoderKL,
 * CLIPTextModel and CLIPTokenizer.
 */
public final class DiffusersPipeline {
    public static final String INDEX = "model_index.json";
    private static final Map<String, String> COMPONENTS = componentClasses();

    private DiffusersPipeline() {
    }

    private static Map<String, String> componentClasses() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unet", "UNet2DConditionModel");
        m.put("vae", "AutoencoderKL");
        m.put("text_encoder", "CLIPTextModel");
        m.put("tokenizer", "CLIPTokenizer");
        m.put("scheduler", null);
        return m;
    }

    /** Whether {@code dir} is a diffusers pipeline directory (it holds {@code model_index.json}). */
    public static boolean isPipeline(Path dir) {
        return Files.isRegularFile(dir.resolve(INDEX));
    }

    /** The configs of every component, read and checked without touching the weights. */
    public record Configs(Path dir, String pipelineClass, UNet2DConditionConfig unet, AutoencoderKLConfig vae,
                          ClipConfig.Text text, NoiseScheduleConfig noise, DiffusersConfigs.SchedulerExtras scheduler,
                          BpeVocabulary vocabulary, ClipTokenizer tokenizer, DiffusersConfigs.ImageEncoder imageEncoder,
                          ClipImageEncoder.Preprocessing preprocessing) {
        public LdmConfig ldmConfig() {
            return new LdmConfig(LdmConfig.TYPE, unet, noise, "vae", "text_encoder");
        }
    }

    /** Reads {@code model_index.json} and every component's config and tokenizer files. */
    public static Configs configs(Path dir) {
        Path indexFile = dir.resolve(INDEX);
        if (!Files.isDirectory(dir)) {
            throw new RetouchException(dir + " is not a directory (a diffusers pipeline is a directory with " + INDEX
                    + ")");
        }
        if (!Files.isRegularFile(indexFile)) {
            throw new RetouchException(dir + " is not a diffusers pipeline: it has no " + INDEX);
        }
        JsonNode index = Json.readTree(indexFile);
        String cls = index.path("_class_name").asText("?");
        if (index.has("text_encoder_2") || index.has("transformer") || cls.contains("XL")
                || cls.startsWith("StableDiffusion3") || cls.contains("Flux")) {
            throw new RetouchException(indexFile + ": " + cls + " is not supported yet (Stable Diffusion 1.x and 2.x "
                    + "pipelines are: a UNet2DConditionModel, an AutoencoderKL and one CLIPTextModel)");
        }
        for (var e : COMPONENTS.entrySet()) {
            JsonNode entry = index.get(e.getKey());
            if (entry == null || !entry.isArray() || entry.size() != 2 || entry.get(1).isNull()) {
                throw new RetouchException(indexFile + ": component '" + e.getKey() + "' is missing (" + cls
                        + " needs " + String.join(", ", COMPONENTS.keySet()) + ")");
            }
            String componentClass = entry.get(1).asText();
            if (e.getValue() != null && !e.getValue().equals(componentClass)) {
                throw new RetouchException(indexFile + ": component '" + e.getKey() + "' is a " + componentClass
                        + "; only " + e.getValue() + " is supported yet");
            }
            if (!Files.isDirectory(dir.resolve(e.getKey()))) {
                throw new RetouchException(dir + ": component directory " + e.getKey() + "/ is missing (named by "
                        + INDEX + ")");
            }
        }
        Path unetFile = config(dir, "unet", "config.json");
        Path vaeFile = config(dir, "vae", "config.json");
        Path textFile = config(dir, "text_encoder", "config.json");
        Path schedulerFile = config(dir, "scheduler", "scheduler_config.json");
        Path tokDir = dir.resolve("tokenizer");
        BpeVocabulary vocabulary = BpeVocabulary.read(tokDir);
        ClipTokenizer tokenizer = withPad(ClipTokenizer.of(vocabulary), tokDir, vocabulary);
        JsonNode scheduler = Json.readTree(schedulerFile);
        DiffusersConfigs.ImageEncoder imageEncoder = null;
        ClipImageEncoder.Preprocessing preprocessing = null;
        JsonNode ie = index.get("image_encoder");
        if (ie != null && ie.isArray() && ie.size() == 2 && !ie.get(1).isNull()) {
            if (!ie.get(1).asText().equals("CLIPVisionModelWithProjection")) {
                throw new RetouchException(indexFile + ": component 'image_encoder' is a " + ie.get(1).asText()
                        + "; only CLIPVisionModelWithProjection is supported");
            }
            Path ieFile = config(dir, "image_encoder", "config.json");
            imageEncoder = DiffusersConfigs.imageEncoder(Json.readTree(ieFile), ieFile);
            Path pre = dir.resolve("feature_extractor").resolve("preprocessor_config.json");
            preprocessing = Files.isRegularFile(pre) ? DiffusersConfigs.preprocessing(Json.readTree(pre), pre)
                    : ClipImageEncoder.Preprocessing.openAi(imageEncoder.vision().imageSize());
            if (preprocessing.size() != imageEncoder.vision().imageSize()) {
                throw new RetouchException(pre + " resizes images to " + preprocessing.size() + "² but "
                        + ieFile + " takes " + imageEncoder.vision().imageSize() + "²");
            }
        }
        return new Configs(dir, cls, DiffusersConfigs.unet(Json.readTree(unetFile), unetFile),
                DiffusersConfigs.vae(Json.readTree(vaeFile), vaeFile),
                DiffusersConfigs.textEncoder(Json.readTree(textFile), textFile, tokenizer.endId()),
                DiffusersConfigs.scheduler(scheduler, schedulerFile),
                DiffusersConfigs.schedulerExtras(scheduler, schedulerFile), vocabulary, tokenizer, imageEncoder,
                preprocessing);
    }

    private static Path config(Path dir, String component, String name) {
        Path f = dir.resolve(component).resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new RetouchException(dir + ": " + component + "/" + name + " is missing");
        }
        return f;
    }

    /**
     * The tokenizer's pad token from {@code special_tokens_map.json} or {@code tokenizer_config.json}: Stable
     * Diffusion 1.x pads with the end token, 2.x (OpenCLIP) with "!" (id 0).
     */
    private static ClipTokenizer withPad(ClipTokenizer tokenizer, Path tokDir, BpeVocabulary vocabulary) {
        for (String name : List.of("special_tokens_map.json", "tokenizer_config.json")) {
            Path f = tokDir.resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            JsonNode pad = Json.readTree(f).get("pad_token");
            if (pad == null || pad.isNull()) {
                continue;
            }
            String token = pad.isTextual() ? pad.asText() : pad.path("content").asText(null);
            if (token == null) {
                continue;
            }
            Integer id = vocabulary.ids().get(token);
            if (id == null) {
                throw new RetouchException(f + ": pad_token '" + token + "' is not in " + tokDir.resolve("vocab.json"));
            }
            return tokenizer.withPadId(id);
        }
        return tokenizer;
    }

    /** Loads the pipeline in {@code dir} (weights converted to float32). */
    public static LatentDiffusion load(Path dir) {
        Configs c = configs(dir);
        UNet2DConditionModel unet = loadInto(new UNet2DConditionModel(c.unet()), dir, "unet",
                "diffusion_pytorch_model");
        AutoencoderKL vae = loadInto(new AutoencoderKL(c.vae()), dir, "vae", "diffusion_pytorch_model");
        ClipModel text = loadInto(new ClipModel(ClipConfig.textOnly(c.text())), dir, "text_encoder", "model");
        ClipImageEncoder images = null;
        if (c.imageEncoder() != null) {
            images = ClipImageEncoder.of(loadInto(new ClipVisionModelWithProjection(c.imageEncoder().vision(),
                    c.imageEncoder().projectionDim()), dir, "image_encoder", "model"), c.preprocessing());
        }
        Clip clip;
        try {
            clip = new Clip(text, c.vocabulary(), c.tokenizer(), images);
        } catch (RetouchException e) {
            throw new RetouchException(dir + ": tokenizer/ and text_encoder/ do not fit: " + e.getMessage(), e);
        }
        // steps_offset shifts leading-spaced timesteps only, as in diffusers (trailing/linspace: see inspect)
        int offset = c.scheduler().timestepSpacing().equals("leading") ? c.scheduler().stepsOffset() : 0;
        LatentDiffusionModel model = new LatentDiffusionModel(c.ldmConfig(), unet, offset);
        try {
            return LatentDiffusion.of(model, vae, clip);
        } catch (RetouchException e) {
            throw new RetouchException(dir + ": " + e.getMessage(), e);
        }
    }

    private static <M extends Module> M loadInto(M module, Path dir, String component, String stem) {
        List<Path> files = DiffusersWeights.files(dir.resolve(component), stem);
        Map<String, Tensor> weights = DiffusersWeights.load(files);
        try {
            module.loadStateDict(weights, true);
        } catch (RetouchException e) {
            throw new RetouchException(dir.resolve(component) + " (" + files.get(0).getFileName()
                    + (files.size() > 1 ? " and " + (files.size() - 1) + " more shards" : "") + "): "
                    + e.getMessage(), e);
        }
        module.eval();
        return module;
    }

    /** One component as our classes build it, against its weight files (headers only). */
    public record Component(String name, String summary, long parameters, long weightsParameters,
                            List<String> mismatches) {
    }

    /**
     * What {@code dir} holds, component by component: the structure our classes build from the configs, their
     * parameter counts, and every difference between the tensors they expect and the weight files' headers
     * (names and shapes; no weight is read).
     */
    public static List<Component> inspect(Path dir) {
        Configs c = configs(dir);
        List<Component> out = new ArrayList<>();
        out.add(compare("unet", unetSummary(c.unet()), new UNet2DConditionModel(c.unet()), dir, "diffusion_pytorch_model"));
        out.add(compare("vae", vaeSummary(c.vae()), new AutoencoderKL(c.vae()), dir, "diffusion_pytorch_model"));
        out.add(compare("text_encoder", textSummary(c.text()), new ClipModel(ClipConfig.textOnly(c.text())), dir,
                "model"));
        if (c.imageEncoder() != null) {
            var ie = c.imageEncoder();
            out.add(compare("image_encoder", imageEncoderSummary(ie, c.preprocessing()),
                    new ClipVisionModelWithProjection(ie.vision(), ie.projectionDim()), dir, "model"));
        }
        return out;
    }

    private static Component compare(String name, String summary, Module module, Path dir, String stem) {
        return compare(name, summary, module, DiffusersWeights.shapes(DiffusersWeights.files(dir.resolve(name), stem)));
    }

    /** A module's expected tensors against stored names and shapes. */
    static Component compare(String name, String summary, Module module, Map<String, long[]> stored) {
        Map<String, Tensor> expected = module.stateDict();
        List<String> problems = new ArrayList<>();
        long storedCount = 0;
        for (var e : stored.entrySet()) {
            storedCount += Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            Tensor t = expected.get(e.getKey());
            if (t == null) {
                problems.add("unexpected: " + e.getKey());
            } else if (!Arrays.equals(Tensors.shape(t), e.getValue())) {
                problems.add("shape mismatch: " + e.getKey() + " expected " + Arrays.toString(Tensors.shape(t))
                        + " found " + Arrays.toString(e.getValue()));
            }
        }
        for (String k : expected.keySet()) {
            if (!stored.containsKey(k)) {
                problems.add("missing: " + k);
            }
        }
        return new Component(name, summary, module.parameterCount(), storedCount, problems);
    }

    /** One line describing a UNet structure. */
    public static String unetSummary(UNet2DConditionConfig u) {
        List<String> levels = new ArrayList<>();
        for (int i = 0; i < u.levels(); i++) {
            levels.add(u.channels(i) + (u.crossAttentionAt(i) ? "+attn" : ""));
        }
        return "UNet2DConditionModel: " + u.inChannels() + "×" + u.sampleSize() + "² latents, levels " + levels
                + ", " + u.layersPerBlock() + " resnets/level, " + (u.attentionHeads() > 0 ? u.attentionHeads()
                + " heads" : u.attentionHeadDim() + "-wide heads") + ", context " + u.crossAttentionDim()
                + (u.useLinearProjection() ? ", linear projections" : ", 1×1-conv projections");
    }

    /** One line describing an autoencoder structure. */
    public static String vaeSummary(AutoencoderKLConfig v) {
        return "AutoencoderKL: " + v.inChannels() + "×" + v.sampleSize() + "² ↔ " + v.latentChannels() + "×"
                + v.latentSize() + "², channels " + v.blockOutChannels() + ", scaling factor " + v.scalingFactor();
    }

    /** One line describing an image encoder and its preprocessing. */
    public static String imageEncoderSummary(DiffusersConfigs.ImageEncoder ie, ClipImageEncoder.Preprocessing p) {
        ClipConfig.Vision v = ie.vision();
        return "CLIPVisionModelWithProjection: " + v.imageSize() + "² images in " + v.patchSize() + "² patches, "
                + v.layers() + " layers, width " + v.width() + ", " + v.heads() + " heads, projection "
                + ie.projectionDim() + ", " + v.activation() + "; preprocessing " + p;
    }

    /** One line describing a text transformer. */
    public static String textSummary(ClipConfig.Text t) {
        return "CLIPTextModel: " + t.layers() + " layers, width " + t.width() + ", " + t.heads() + " heads, "
                + t.maxPositions() + " positions, vocabulary " + t.vocabSize() + ", " + t.activation();
    }
}
