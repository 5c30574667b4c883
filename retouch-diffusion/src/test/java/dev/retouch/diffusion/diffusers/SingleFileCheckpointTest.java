package dev.retouch.diffusion.diffusers;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stable Diffusion 1.x single-file checkpoints (the original CompVis layout): the names of SD 1.5's tensors as the
 * conversion to diffusers' layout names them (pairs as diffusers' conversion script and other public converters map
 * them), and a small model in the SD layout written under the original names (the inverse written out here, level by
 * level) that loads back with its structure read from the shapes and every weight equal.
 */
public class SingleFileCheckpointTest {

    @Test
    void originalNamesMapToDiffusersNames() {
        Map<String, String> unet = new LinkedHashMap<>();
        unet.put("time_embed.0.weight", "time_embedding.linear_1.weight");
        unet.put("time_embed.2.bias", "time_embedding.linear_2.bias");
        unet.put("input_blocks.0.0.weight", "conv_in.weight");
        unet.put("input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight");
        unet.put("input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight",
                "down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight");
        unet.put("input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight");
        unet.put("input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight");
        unet.put("input_blocks.5.1.proj_in.weight", "down_blocks.1.attentions.1.proj_in.weight");
        unet.put("input_blocks.9.0.op.weight", "down_blocks.2.downsamplers.0.conv.weight");
        unet.put("input_blocks.11.0.in_layers.2.weight", "down_blocks.3.resnets.1.conv1.weight");
        unet.put("middle_block.0.out_layers.3.bias", "mid_block.resnets.0.conv2.bias");
        unet.put("middle_block.1.norm.weight", "mid_block.attentions.0.norm.weight");
        unet.put("middle_block.2.in_layers.0.weight", "mid_block.resnets.1.norm1.weight");
        unet.put("output_blocks.0.0.out_layers.0.bias", "up_blocks.0.resnets.0.norm2.bias");
        unet.put("output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight");
        unet.put("output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias");
        unet.put("output_blocks.8.0.skip_connection.bias", "up_blocks.2.resnets.2.conv_shortcut.bias");
        unet.put("output_blocks.11.1.proj_out.weight", "up_blocks.3.attentions.2.proj_out.weight");
        unet.put("output_blocks.6.0.emb_layers.1.weight", "up_blocks.2.resnets.0.time_emb_proj.weight");
        unet.put("out.0.weight", "conv_norm_out.weight");
        unet.put("out.2.weight", "conv_out.weight");
        unet.forEach((from, to) -> assertEquals(to, SingleFileCheckpoint.unetName(from, 2), from));
        Map<String, String> vae = new LinkedHashMap<>();
        vae.put("decoder.conv_in.weight", "decoder.conv_in.weight");
        vae.put("decoder.norm_out.bias", "decoder.conv_norm_out.bias");
        vae.put("decoder.mid.block_2.norm1.weight", "decoder.mid_block.resnets.1.norm1.weight");
        vae.put("decoder.mid.attn_1.norm.weight", "decoder.mid_block.attentions.0.group_norm.weight");
        vae.put("decoder.mid.attn_1.q.weight", "decoder.mid_block.attentions.0.to_q.weight");
        vae.put("decoder.mid.attn_1.proj_out.weight", "decoder.mid_block.attentions.0.to_out.0.weight");
        vae.put("decoder.up.3.block.0.conv1.weight", "decoder.up_blocks.0.resnets.0.conv1.weight");
        vae.put("decoder.up.3.upsample.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight");
        vae.put("decoder.up.1.block.0.nin_shortcut.bias", "decoder.up_blocks.2.resnets.0.conv_shortcut.bias");
        vae.put("decoder.up.0.block.2.norm2.weight", "decoder.up_blocks.3.resnets.2.norm2.weight");
        vae.put("encoder.down.1.downsample.conv.weight", "encoder.down_blocks.1.downsamplers.0.conv.weight");
        vae.put("encoder.down.2.block.0.nin_shortcut.weight", "encoder.down_blocks.2.resnets.0.conv_shortcut.weight");
        vae.put("encoder.mid.block_1.conv2.bias", "encoder.mid_block.resnets.0.conv2.bias");
        vae.put("post_quant_conv.weight", "post_quant_conv.weight");
        vae.forEach((from, to) -> assertEquals(to, SingleFileCheckpoint.vaeName(from, 4), from));
    }

    /** The original layout's name of each of our UNet's tensors (written out independently of the loader). */
    static String originalUnet(String d, int layers) {
        Matcher m = Pattern.compile("down_blocks\\.(\\d+)\\.(resnets|attentions|downsamplers)\\.(\\d+)\\.(.*)").matcher(d);
        if (m.matches()) {
            int level = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            int block = 1 + level * (layers + 1);
            return switch (m.group(2)) {
                case "resnets" -> "input_blocks." + (block + j) + ".0." + resnet(m.group(4));
                case "attentions" -> "input_blocks." + (block + j) + ".1." + m.group(4);
                default -> "input_blocks." + (block + layers) + ".0.op." + m.group(4).substring("conv.".length());
            };
        }
        m = Pattern.compile("up_blocks\\.(\\d+)\\.(resnets|attentions|upsamplers)\\.(\\d+)\\.(.*)").matcher(d);
        if (m.matches()) {
            int level = Integer.parseInt(m.group(1));
            int j = Integer.parseInt(m.group(3));
            int block = level * (layers + 1);
            return switch (m.group(2)) {
                case "resnets" -> "output_blocks." + (block + j) + ".0." + resnet(m.group(4));
                case "attentions" -> "output_blocks." + (block + j) + ".1." + m.group(4);
                default -> "output_blocks." + (block + layers) + "." + (UP_ATTENTION[level] ? 2 : 1) + "." + m.group(4);
            };
        }
        m = Pattern.compile("mid_block\\.(resnets|attentions)\\.(\\d)\\.(.*)").matcher(d);
        if (m.matches()) {
            return m.group(1).equals("attentions") ? "middle_block.1." + m.group(3)
                    : "middle_block." + (m.group(2).equals("0") ? 0 : 2) + "." + resnet(m.group(3));
        }
        return d.replace("time_embedding.linear_1.", "time_embed.0.").replace("time_embedding.linear_2.", "time_embed.2.")
                .replace("conv_in.", "input_blocks.0.0.").replace("conv_norm_out.", "out.0.").replace("conv_out.", "out.2.");
    }

    private static boolean[] UP_ATTENTION = {true, false}; // the test UNet's up levels: attention, then none

    private static String resnet(String r) {
        return r.replace("norm1.", "in_layers.0.").replace("conv1.", "in_layers.2.").replace("time_emb_proj.", "emb_layers.1.")
                .replace("norm2.", "out_layers.0.").replace("conv2.", "out_layers.3.").replace("conv_shortcut.", "skip_connection.");
    }

    static String originalVae(String d, int levels) {
        Matcher m = Pattern.compile("encoder\\.down_blocks\\.(\\d+)\\.(resnets|downsamplers)\\.(\\d+)\\.(.*)").matcher(d);
        if (m.matches()) {
            return "encoder.down." + m.group(1) + (m.group(2).equals("resnets") ? ".block." + m.group(3) + "."
                    + m.group(4).replace("conv_shortcut.", "nin_shortcut.") : ".downsample." + m.group(4));
        }
        m = Pattern.compile("decoder\\.up_blocks\\.(\\d+)\\.(resnets|upsamplers)\\.(\\d+)\\.(.*)").matcher(d);
        if (m.matches()) {
            int i = levels - 1 - Integer.parseInt(m.group(1));
            return "decoder.up." + i + (m.group(2).equals("resnets") ? ".block." + m.group(3) + "."
                    + m.group(4).replace("conv_shortcut.", "nin_shortcut.") : ".upsample." + m.group(4));
        }
        return d.replace("mid_block.resnets.0.", "mid.block_1.").replace("mid_block.resnets.1.", "mid.block_2.")
                .replace("mid_block.attentions.0.group_norm.", "mid.attn_1.norm.")
                .replace("mid_block.attentions.0.to_q.", "mid.attn_1.q.").replace("mid_block.attentions.0.to_k.", "mid.attn_1.k.")
                .replace("mid_block.attentions.0.to_v.", "mid.attn_1.v.")
                .replace("mid_block.attentions.0.to_out.0.", "mid.attn_1.proj_out.")
                .replace("conv_norm_out.", "norm_out.");
    }

    /** The small SD-layout model of this test: its three components and the checkpoint written from them. */
    public record Tiny(UNet2DConditionModel unet, AutoencoderKL vae, ClipModel text, Path file) {
    }

    /** Writes a small Stable Diffusion 1.x-layout checkpoint (random weights, original names) to {@code ckpt}. */
    public static Tiny writeTiny(Path ckpt) {
        // SD's layout at a small width: 2 layers per level, attention on all levels but the last, 8 heads
        UNet2DConditionConfig uc = new UNet2DConditionConfig(64, 4, 4, List.of(32, 64), 2, List.of(true, false), 64, 8,
                0, 1, false, 32, 1e-5, 0.0, true, 0);
        AutoencoderKLConfig vc = new AutoencoderKLConfig(512, 3, 3, 4, List.of(32, 64), 1, 32, 1e-6, 0.18215);
        ClipConfig.Text tc = new ClipConfig.Text(49408, 77, 64, 1, 1, 128, 1e-5, ClipConfig.Activation.QUICK_GELU, 49407);
        UNet2DConditionModel unet = new UNet2DConditionModel(uc);
        unet.initialize(Tensors.generator(1));
        AutoencoderKL vae = new AutoencoderKL(vc);
        vae.initialize(Tensors.generator(2));
        ClipModel text = ClipModel.create(ClipConfig.textOnly(tc), 3);
        Map<String, Tensor> file = new LinkedHashMap<>();
        unet.stateDict().forEach((k, t) -> file.put(SingleFileCheckpoint.UNET + originalUnet(k, 2), t));
        vae.stateDict().forEach((k, t) -> file.put(SingleFileCheckpoint.VAE + originalVae(k, 2),
                k.contains(".attentions.0.to_") && k.endsWith("weight") ? t.reshape(t.size(0), t.size(1), 1, 1) : t));
        text.stateDict().forEach((k, t) -> file.put(SingleFileCheckpoint.TEXT + k, t));
        file.put(SingleFileCheckpoint.TEXT + "text_model.embeddings.position_ids", Tensors.ofLongs(new long[77], 1, 77));
        file.put("model_ema.decay", Tensors.ofLongs(new long[]{1}, 1)); // training state: not read
        file.put("alphas_cumprod", Tensors.ofLongs(new long[1000], 1000));
        assertEquals(unet.stateDict().size(), file.keySet().stream().filter(k -> k.startsWith(SingleFileCheckpoint.UNET))
                .count(), "one original name per tensor");
        Safetensors.save(ckpt, file, Map.of());
        return new Tiny(unet, vae, text, ckpt);
    }

    @Test
    void aSmallModelInTheOriginalLayoutLoadsWithItsStructureReadFromTheShapes(@TempDir Path tmp) throws Exception {
        Tiny tiny = writeTiny(tmp.resolve("tiny-sd15.safetensors"));
        Path ckpt = tiny.file();
        UNet2DConditionModel unet = tiny.unet();
        AutoencoderKL vae = tiny.vae();
        ClipModel text = tiny.text();
        UNet2DConditionConfig uc = unet.config();
        AutoencoderKLConfig vc = vae.config();
        ClipConfig.Text tc = text.config().text();
        assertTrue(SingleFileCheckpoint.isSingleFile(ckpt));
        LatentDiffusion ld = LatentDiffusion.load(ckpt);
        assertEquals(uc, ld.unet().config());
        assertEquals(vc, ld.vae().config());
        assertEquals(tc, ld.clip().model().config().text());
        assertEquals(0.0, maxDiff(unet.stateDict(), ld.unet().stateDict()));
        assertEquals(0.0, maxDiff(vae.stateDict(), ld.vae().stateDict()));
        assertEquals(0.0, maxDiff(text.stateDict(), ld.clip().model().stateDict()));
        for (DiffusersPipeline.Component c : SingleFileCheckpoint.inspect(ckpt)) {
            assertEquals(List.of(), c.mismatches(), c.name());
            assertEquals(c.parameters(), c.weightsParameters(), c.name());
        }
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor states = ld.textStates(List.of("a photo of a cat"), w -> { });
            assertEquals(List.of(1L, 77L, 64L), List.of(states.size(0), states.size(1), states.size(2)));
        }
    }

    @Test
    void otherCheckpointsAreRefusedByName(@TempDir Path tmp) throws Exception {
        Tensor one = Tensors.ofLongs(new long[]{1}, 1);
        Path xl = tmp.resolve("sdxl.safetensors");
        Safetensors.save(xl, Map.of("model.diffusion_model.input_blocks.0.0.weight", one,
                "conditioner.embedders.1.model.ln_final.weight", one), Map.of());
        RetouchException e = assertThrows(RetouchException.class, () -> SingleFileCheckpoint.load(xl));
        assertTrue(e.getMessage().contains("SDXL checkpoint"), e.getMessage());
        Path v2 = tmp.resolve("sd21.safetensors");
        Safetensors.save(v2, Map.of("model.diffusion_model.input_blocks.0.0.weight", one,
                "cond_stage_model.model.ln_final.weight", one), Map.of());
        e = assertThrows(RetouchException.class, () -> SingleFileCheckpoint.load(v2));
        assertTrue(e.getMessage().contains("Stable Diffusion 2.x checkpoint"), e.getMessage());
        Path other = tmp.resolve("other.safetensors");
        Safetensors.save(other, Map.of("weight", one), Map.of());
        assertFalse(SingleFileCheckpoint.isSingleFile(other));
        Files.writeString(tmp.resolve("broken.safetensors"), "not a safetensors file");
        assertFalse(SingleFileCheckpoint.isSingleFile(tmp.resolve("broken.safetensors")));
    }

    private static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (String k : a.keySet()) {
            worst = Math.max(worst, TinyLatentDiffusion.maxAbsDiff(a.get(k), b.get(k)));
        }
        return worst;
    }
}
