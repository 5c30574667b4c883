package dev.retouch.diffusion.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.io.TensorInfo;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The weights of one pipeline component: {@code <stem>.safetensors}, its fp16 variant {@code <stem>.fp16.safetensors},
 * or shards listed by {@code <stem>[.fp16].safetensors.index.json} ({@code weight_map}: tensor → shard file). The
 * stem is {@code diffusion_pytorch_model} for diffusers models and {@code model} for transformers models. Pickled
 * {@code .bin} weights are refused (reading them would run code from the file).
 *
 * <p>Names are brought to ours: the old diffusers autoencoder attention ({@code query}, {@code key}, {@code value},
 * {@code proj_attn}, some stored as 1×1 convolutions) becomes {@code to_q}, {@code to_k}, {@code to_v},
 * {@code to_out.0}; transformers' stored {@code position_ids} buffer is dropped.
 */
public final class DiffusersWeights {
    private DiffusersWeights() {
    }

    /** The weight files of the component in {@code dir}; one clear error when there are none we can read. */
    public static List<Path> files(Path dir, String stem) {
        for (String variant : List.of("", ".fp16")) {
            Path single = dir.resolve(stem + variant + ".safetensors");
            if (Files.isRegularFile(single)) {
                return List.of(single);
            }
            Path index = dir.resolve(stem + variant + ".safetensors.index.json");
            if (Files.isRegularFile(index)) {
                return shards(index);
            }
        }
        List<String> present = listing(dir);
        boolean pickled = present.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".pt"));
        throw new RetouchException(dir + ": no " + stem + ".safetensors (nor its .fp16 variant or a sharded "
                + ".safetensors.index.json)" + (pickled ? "; pickled PyTorch weights (.bin/.ckpt) are not read "
                + "(loading them runs code from the file): convert them to safetensors first" : "")
                + "; found " + (present.isEmpty() ? "nothing" : String.join(", ", present)));
    }

    private static List<Path> shards(Path index) {
        JsonNode map = Json.readTree(index).get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new RetouchException(index + ": no weight_map (tensor name → shard file)");
        }
        Set<String> names = new LinkedHashSet<>();
        map.fields().forEachRemaining(e -> names.add(e.getValue().asText()));
        List<Path> out = new ArrayList<>();
        for (String n : names) {
            Path shard = index.resolveSibling(n);
            if (n.contains("/") || n.contains("\\") || !Files.isRegularFile(shard)) {
                throw new RetouchException(index + ": shard '" + n + "' is missing");
            }
            out.add(shard);
        }
        return out;
    }

    private static List<String> listing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The names and shapes in the weight files (headers only; nothing is read), under our names. */
    public static Map<String, long[]> shapes(List<Path> files) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Path f : files) {
            for (TensorInfo t : Safetensors.parse(f).tensors()) {
                String name = rename(t.name());
                if (name != null) {
                    out.put(name, squeezed(t.name(), t.shape()));
                }
            }
        }
        return out;
    }

    /** Every tensor of the files, in their stored dtypes, under our names. */
    public static Map<String, Tensor> load(List<Path> files) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Path f : files) {
            for (Map.Entry<String, Tensor> e : Safetensors.load(f).entrySet()) {
                String name = rename(e.getKey());
                if (name == null) {
                    continue;
                }
                Tensor t = e.getValue();
                long[] shape = squeezed(e.getKey(), t.sizes().vec().get());
                if (shape.length != t.dim()) {
                    t = t.reshape(shape);
                }
                if (out.put(name, t) != null) {
                    throw new RetouchException(f + ": tensor " + name + " appears twice in the weights");
                }
            }
        }
        return out;
    }

    /** The autoencoder's single-head attention: its projections sit directly under {@code attentions.N}. */
    private static final Pattern VAE_ATTENTION = Pattern.compile(
            "(.*mid_block\\.attentions\\.\\d+\\.)(query|key|value|proj_attn|to_q|to_k|to_v|to_out\\.0)(\\.(weight|bias))");
    private static final Map<String, String> OLD_NAMES = Map.of("query", "to_q", "key", "to_k", "value", "to_v",
            "proj_attn", "to_out.0");

    /** Our name for a stored tensor, or null for one that is not a weight (a stored buffer). */
    static String rename(String name) {
        if (name.endsWith("embeddings.position_ids")) {
            return null;
        }
        Matcher m = VAE_ATTENTION.matcher(name);
        if (m.matches() && OLD_NAMES.containsKey(m.group(2))) {
            return m.group(1) + OLD_NAMES.get(m.group(2)) + m.group(3);
        }
        return name;
    }

    /** Attention projections stored as 1×1 convolutions (C, C, 1, 1) are linear weights (C, C). */
    private static long[] squeezed(String stored, long[] shape) {
        if (VAE_ATTENTION.matcher(stored).matches() && shape.length == 4 && shape[2] == 1 && shape[3] == 1) {
            return new long[]{shape[0], shape[1]};
        }
        return shape;
    }
}
