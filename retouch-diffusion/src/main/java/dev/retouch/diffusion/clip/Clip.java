package dev.retouch.diffusion.clip;

import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipEncoding;
import dev.retouch.diffusion.text.ClipTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A CLIP model with its tokenizer, as one model directory: {@code config.json}, {@code model.safetensors},
 * {@code vocab.json}, {@code merges.txt}. Prompts are padded (with the end token, as Stable Diffusion 1.x does) or
 * truncated (end token kept) to the text model's context; images are (B, 3, S, S) in [−1, 1].
 */
public final class Clip {
    private final ClipModel model;
    private final BpeVocabulary vocabulary;
    private final ClipTokenizer tokenizer;
    private final ClipImageEncoder imageEncoder;

    /** Token ids of a batch of prompts and which of them were cut to fit the context. */
    public record Tokens(Tensor ids, boolean[] truncated) {
        public boolean anyTruncated() {
            for (boolean t : truncated) {
                if (t) {
                    return true;
                }
            }
            return false;
        }
    }

    public Clip(ClipModel model, BpeVocabulary vocabulary) {
        this(model, vocabulary, ClipTokenizer.of(vocabulary));
    }

    /** A model with its tokenizer of {@code vocabulary} as configured (e.g. another pad token). */
    public Clip(ClipModel model, BpeVocabulary vocabulary, ClipTokenizer tokenizer) {
        this(model, vocabulary, tokenizer, null);
    }

    /**
     * A text model with its tokenizer and a stand-alone image encoder (a pipeline's {@code image_encoder}); with
     * {@code imageEncoder} null, the image half is the model's own vision tower when it has one.
     */
    public Clip(ClipModel model, BpeVocabulary vocabulary, ClipTokenizer tokenizer, ClipImageEncoder imageEncoder) {
        if (tokenizer.vocabSize() != model.config().text().vocabSize()
                || tokenizer.endId() != model.config().text().endTokenId()) {
            throw new RetouchException("tokenizer (" + tokenizer.vocabSize() + " tokens, end id " + tokenizer.endId()
                    + ") does not match the text model (" + model.config().text().vocabSize() + " tokens, end id "
                    + model.config().text().endTokenId() + ")");
        }
        this.model = model;
        this.vocabulary = vocabulary;
        this.tokenizer = tokenizer;
        this.imageEncoder = imageEncoder != null ? imageEncoder
                : model.config().hasVision() ? ClipImageEncoder.of(model) : null;
    }

    /** Loads model and tokenizer from one directory, strictly. */
    public static Clip load(Path dir) {
        if (!Files.isRegularFile(dir.resolve(BpeVocabulary.VOCAB_FILE))) {
            throw new RetouchException(dir + " is not a CLIP model directory: " + BpeVocabulary.VOCAB_FILE
                    + " is missing");
        }
        BpeVocabulary vocabulary = BpeVocabulary.read(dir);
        try {
            return new Clip(ClipModel.load(dir), vocabulary);
        } catch (RetouchException e) {
            throw new RetouchException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the model (fp16), its tokenizer files and the model card into {@code dir}. */
    public void save(Path dir, Map<String, Tensor> weights, String modelCard) {
        model.save(dir, weights, modelCard);
        vocabulary.write(dir);
    }

    public ClipModel model() {
        return model;
    }

    /** The tokenizer's vocabulary and merges (what {@code vocab.json} and {@code merges.txt} hold). */
    public BpeVocabulary vocabulary() {
        return vocabulary;
    }

    /** Whether image states and features are available (a full CLIP, or a separate image encoder). */
    public boolean hasImageEncoder() {
        return imageEncoder != null;
    }

    /**
     * The image half: the model's own vision tower, or the pipeline's separate image encoder.
     *
     * @throws RetouchException for a text encoder alone without an image encoder
     */
    public ClipImageEncoder imageEncoder() {
        if (imageEncoder == null) {
            throw new RetouchException("this CLIP is a text encoder alone (no vision tower, as a Stable Diffusion "
                    + "text_encoder) and has no image encoder: CLIP image states and features need a full CLIP model "
                    + "or a diffusers pipeline with an image_encoder/ (CLIPVisionModelWithProjection)");
        }
        return imageEncoder;
    }

    /** Moves the text model and a separate image encoder to {@code device} in {@code type}. */
    public void to(org.bytedeco.pytorch.Device device, torch.ScalarType type) {
        model.to(device, type);
        if (imageEncoder != null && imageEncoder.ownModule() != null) {
            imageEncoder.ownModule().to(device, type);
        }
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public int contextLength() {
        return model.config().text().maxPositions();
    }

    /** Prompts → (B, context) long ids. */
    public Tokens tokenize(List<String> prompts) {
        int n = contextLength();
        long[] ids = new long[prompts.size() * n];
        boolean[] truncated = new boolean[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            ClipEncoding e = tokenizer.encode(prompts.get(i), n);
            int[] row = e.ids();
            for (int j = 0; j < n; j++) {
                ids[i * n + j] = row[j];
            }
            truncated[i] = e.truncated();
        }
        return new Tokens(Tensors.ofLongs(ids, prompts.size(), n), truncated);
    }

    /** {@link #tokenize(List)}, reporting each prompt that had to be cut to the context to {@code warnings}. */
    public Tokens tokenize(List<String> prompts, java.util.function.Consumer<String> warnings) {
        Tokens tokens = tokenize(prompts);
        for (int i = 0; i < prompts.size(); i++) {
            if (tokens.truncated()[i]) {
                String p = prompts.get(i);
                warnings.accept("prompt \"" + (p.length() <= 60 ? p : p.substring(0, 57) + "...") + "\" is longer "
                        + "than the text encoder's " + contextLength() + "-token context; the rest was cut off");
            }
        }
        return tokens;
    }

    /** The text model's last hidden states (B, context, width): the conditioning of a text-to-image UNet. */
    public Tensor hiddenStates(Tensor ids) {
        // float32 on the model's device, whatever precision the weights are placed in
        return model.textModel().forward(ids).lastHiddenState().to(torch.ScalarType.Float);
    }

    /** Cosine similarity of each image with its prompt: images (B, 3, S, S), B prompts → (B). */
    public Tensor score(Tensor images, Tensor ids) {
        Tensor img = ClipModel.normalize(model.imageFeatures(images));
        Tensor txt = ClipModel.normalize(model.textFeatures(ids));
        return img.mul(txt).sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    }
}
