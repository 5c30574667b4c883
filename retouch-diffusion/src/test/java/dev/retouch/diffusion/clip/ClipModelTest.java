package dev.retouch.diffusion.clip;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.text.BpeTrainer;
import dev.retouch.diffusion.text.BpeVocabulary;
import dev.retouch.diffusion.text.ClipTokenizer;
import dev.retouch.diffusion.train.ClipTask;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIP text and vision transformers: transformers' names and counts, causal mask, pooling, attention, training. */
class ClipModelTest {
    private static final List<String> CAPTIONS = List.of("red heart", "blue heart", "grinning face",
            "crying face", "red apple", "green apple");

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    static ClipConfig tinyConfig(int vocab, int end) {
        return new ClipConfig(
                new ClipConfig.Text(vocab, 8, 32, 2, 2, 64, 1e-5, ClipConfig.Activation.QUICK_GELU, end),
                new ClipConfig.Vision(16, 4, 3, 32, 2, 2, 64, 1e-5, ClipConfig.Activation.QUICK_GELU), 16, Math.log(1 / 0.07));
    }

    @Test
    void vitL14HalvesHaveTheTransformersParameterCountsAndNames() {
        ClipConfig c = ClipConfig.vitL14();
        ClipTextTransformer text = new ClipTextTransformer(c.text());
        assertEquals(123_060_480L, text.parameterCount(), "CLIPTextModel of openai/clip-vit-large-patch14 (SD 1.x)");
        Map<String, Tensor> p = text.namedParameters();
        assertArrayEquals(new long[]{49408, 768}, Tensors.shape(p.get("embeddings.token_embedding.weight")));
        assertArrayEquals(new long[]{77, 768}, Tensors.shape(p.get("embeddings.position_embedding.weight")));
        assertArrayEquals(new long[]{3072, 768}, Tensors.shape(p.get("encoder.layers.11.mlp.fc1.weight")));
        assertTrue(p.containsKey("encoder.layers.0.self_attn.out_proj.bias"));
        assertTrue(p.containsKey("final_layer_norm.weight"));
        text = null;
        ClipVisionTransformer vision = new ClipVisionTransformer(c.vision());
        assertEquals(303_179_776L, vision.parameterCount(), "CLIPVisionModel of openai/clip-vit-large-patch14");
        Map<String, Tensor> v = vision.namedParameters();
        assertArrayEquals(new long[]{1024, 3, 14, 14}, Tensors.shape(v.get("embeddings.patch_embedding.weight")));
        assertArrayEquals(new long[]{257, 1024}, Tensors.shape(v.get("embeddings.position_embedding.weight")));
        assertTrue(v.containsKey("embeddings.class_embedding"));
        assertTrue(v.containsKey("pre_layrnorm.bias") && v.containsKey("post_layernorm.weight"));
    }

    @Test
    void fullModelAddsProjectionsAndLogitScale() {
        ClipModel m = new ClipModel(tinyConfig(50, 49));
        Map<String, Tensor> p = m.namedParameters();
        assertArrayEquals(new long[]{16, 32}, Tensors.shape(p.get("text_projection.weight")));
        assertArrayEquals(new long[]{16, 32}, Tensors.shape(p.get("visual_projection.weight")));
        assertEquals(0, p.get("logit_scale").dim());
        assertTrue(p.containsKey("text_model.encoder.layers.1.layer_norm2.weight"));
        assertTrue(p.containsKey("vision_model.encoder.layers.1.self_attn.q_proj.weight"));
        assertTrue(!p.containsKey("text_projection.bias"));
    }

    @Test
    void textStatesAreCausalAndPooledAtTheFirstEndToken() {
        ClipModel m = ClipModel.create(tinyConfig(50, 49), 1);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor a = Tensors.ofLongs(new long[]{48, 5, 7, 49, 9, 49, 49, 49}, 1, 8);
            Tensor b = Tensors.ofLongs(new long[]{48, 5, 7, 49, 30, 12, 3, 49}, 1, 8);
            ClipTextTransformer.Output oa = m.textModel().forward(a);
            ClipTextTransformer.Output ob = m.textModel().forward(b);
            float[] ha = Tensors.toFloats(oa.lastHiddenState());
            float[] hb = Tensors.toFloats(ob.lastHiddenState());
            int w = 32;
            for (int i = 0; i < 8 * w; i++) {
                if (i < 4 * w) {
                    assertEquals(ha[i], hb[i], 1e-6f, "positions before the change are unaffected");
                }
            }
            assertTrue(Math.abs(ha[4 * w] - hb[4 * w]) > 1e-4, "the changed position differs");
            float[] pooled = Tensors.toFloats(oa.pooled());
            for (int k = 0; k < w; k++) {
                assertEquals(ha[3 * w + k], pooled[k], 0f, "pooled = the state at the first end token");
            }
            assertArrayEquals(Tensors.toFloats(oa.pooled()), Tensors.toFloats(ob.pooled()), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> m.textModel().forward(torch.zeros(new long[]{1, 9},
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long))));
        }
    }

    @Test
    void attentionMatchesAHandWrittenSoftmax() {
        ClipAttention att = new ClipAttention(8, 2);
        att.initialize(Tensors.generator(3));
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = Tensors.randn(Tensors.generator(4), 1, 3, 8);
            Tensor mask = ClipTextTransformer.causalMask(3);
            float[] got = Tensors.toFloats(att.forward(x, mask));
            Map<String, Tensor> p = att.namedParameters();
            float[] want = Tensors.toFloats(manual(x, p, 2, true));
            assertArrayEquals(want, got, 1e-5f);
            assertArrayEquals(Tensors.toFloats(manual(x, p, 2, false)), Tensors.toFloats(att.forward(x, null)), 1e-5f);
        }
    }

    /** softmax(q kᵀ / √d + causal) v per head, with explicit loops over heads. */
    private static Tensor manual(Tensor x, Map<String, Tensor> p, int heads, boolean causal) {
        Tensor q = torch.linear(x, p.get("q_proj.weight"), new org.bytedeco.pytorch.TensorOptional(p.get("q_proj.bias")));
        Tensor k = torch.linear(x, p.get("k_proj.weight"), new org.bytedeco.pytorch.TensorOptional(p.get("k_proj.bias")));
        Tensor v = torch.linear(x, p.get("v_proj.weight"), new org.bytedeco.pytorch.TensorOptional(p.get("v_proj.bias")));
        long d = x.size(2) / heads;
        Tensor[] outs = new Tensor[heads];
        for (int h = 0; h < heads; h++) {
            Tensor qh = q.narrow(2, h * d, d);
            Tensor kh = k.narrow(2, h * d, d);
            Tensor vh = v.narrow(2, h * d, d);
            Tensor s = qh.matmul(kh.transpose(1, 2)).div(Tensors.s(Math.sqrt(d)));
            if (causal) {
                s = s.add(ClipTextTransformer.causalMask(x.size(1)).squeeze(0));
            }
            outs[h] = torch.softmax(s, -1).matmul(vh);
        }
        return torch.linear(Tensors.cat(2, outs), p.get("out_proj.weight"),
                new org.bytedeco.pytorch.TensorOptional(p.get("out_proj.bias")));
    }

    @Test
    void contrastiveTrainingMemorisesSixPairsAndTheBundleRoundTrips(@TempDir Path dir) {
        BpeVocabulary vocab = new BpeTrainer(540).train(CAPTIONS);
        int end = vocab.ids().get(ClipTokenizer.END_TOKEN);
        Clip clip = new Clip(ClipModel.create(tinyConfig(vocab.size(), end), 2), vocab);
        Clip.Tokens tokens = clip.tokenize(CAPTIONS);
        // six distinct flat-colour images
        Tensor images = Tensors.rand(Tensors.generator(5), 6, 3, 1, 1).mul(Tensors.s(2)).sub(Tensors.s(1))
                .expand(6, 3, 16, 16).contiguous();
        TrainConfig tc = new TrainConfig(80, 6, 3e-3, 0, 0.0, 1.0, 0.0, 0, 0);
        new Trainer(new ClipTask(clip.model(), images, tokens.ids()), tc, dir.resolve("run")).run((s, t, l) -> true);
        clip.model().eval();
        ClipRetrieval.Result r = ClipRetrieval.evaluate(clip.model(), images, CAPTIONS, tokens.ids(), 4);
        assertEquals(1.0, r.top1(), "every training image retrieves its own caption");
        assertEquals(6, r.captions());

        clip.save(dir.resolve("model"), clip.model().stateDict(), "# tiny\n");
        Clip back = Clip.load(dir.resolve("model"));
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor ids = back.tokenize(CAPTIONS).ids();
            assertArrayEquals(Tensors.toLongs(tokens.ids()), Tensors.toLongs(ids));
            assertArrayEquals(Tensors.toFloats(clip.score(images, tokens.ids())),
                    Tensors.toFloats(back.score(images, ids)), 5e-3f);
        }
    }

    @Test
    void longPromptsAreTruncatedKeepingTheEndToken() {
        BpeVocabulary vocab = new BpeTrainer(540).train(CAPTIONS);
        int end = vocab.ids().get(ClipTokenizer.END_TOKEN);
        Clip clip = new Clip(ClipModel.create(tinyConfig(vocab.size(), end), 2), vocab);
        Clip.Tokens t = clip.tokenize(List.of("red heart blue heart grinning face crying face red apple", ""));
        assertTrue(t.truncated()[0] && !t.truncated()[1]);
        long[] ids = Tensors.toLongs(t.ids());
        assertEquals(end, ids[7]);
        assertEquals(end, ids[9], "the empty prompt is start, end, padding");
    }
}
