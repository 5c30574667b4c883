package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.clip.Clip;
import org.bytedeco.pytorch.NoGradGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code retouch score}: CLIP image–text cosine similarity. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score how well an image matches a prompt: the cosine similarity of their CLIP embeddings "
                + "(−1 … 1; higher is better). The image is resized to the CLIP model's input size.",
        footer = {"", "Example:", "  bin/retouch score --model emoji-clip --image heart.png --prompt \"red heart\" --json"})
final class ScoreCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-clip",
            description = "CLIP model name or directory (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--prompt", required = true, description = "The text to compare with.")
    String prompt;

    @Override
    public void run() {
        common.apply();
        Clip clip = Clip.load(Models.resolve(model));
        RgbImage input = CliSupport.imageAt(image, clip.model().config().vision().imageSize());
        Clip.Tokens tokens = clip.tokenize(List.of(prompt), CliSupport::warn);
        double score;
        try (NoGradGuard ignored = new NoGradGuard()) {
            score = clip.score(CliSupport.tensor(input), tokens.ids()).item_double();
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("score", score);
        res.put("model", model);
        res.put("image", image.toString());
        res.put("prompt", prompt);
        res.put("truncated", tokens.anyTruncated());
        CliSupport.print(common, res);
    }
}
