package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.pairs.ImagePair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class FewshotEffectTest {
    @TempDir
    Path dir;

    /** A tiny effect whose weights are rounded through fp16 and perturbed away from the zero-initialised outputs. */
    private static Effect effect(EffectVariant v) {
        Effect e = Effect.create(EffectConfig.tiny(v, 2), FewshotFixtures.disks(4, 16, 5), 1);
        try (NoGradGuard ignored = new NoGradGuard()) {
            int k = 0;
            for (Tensor p : e.network().parameters()) {
                p.add_(Tensors.randn(Tensors.generator(k++), Tensors.shape(p)).mul(Tensors.s(0.05)));
                p.copy_(p.to(torch.ScalarType.Half).to(torch.ScalarType.Float));
            }
        }
        return e;
    }

    @ParameterizedTest
    @EnumSource(EffectVariant.class)
    void saveAndLoadGiveIdenticalEdits(EffectVariant v) {
        Effect e = effect(v);
        Path d = dir.resolve(v.label());
        e.save(d, e.network().stateDict(), "# test effect\n");
        for (String f : List.of("config.json", "model.safetensors", "MODEL_CARD.md", "train-pairs.txt",
                "pairs/before/p0.png", "pairs/after/p3.png")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), "missing " + f);
        }
        Effect back = Effect.load(d);
        assertEquals(e.config(), back.config());
        RgbImage input = FewshotFixtures.disks(1, 16, 99).get(0).before();
        assertEquals(e.apply(input, 7), back.apply(input, 7));
        assertEquals(back.apply(input, 7), back.apply(input, 7));
        if (v != EffectVariant.PIX2PIX) {
            assertNotEquals(back.apply(input, 7), back.apply(input, 8), "the seed draws sources and noise");
        }
        // saving again over an existing effect replaces it cleanly
        back.save(d, back.network().stateDict(), "# again\n");
        assertEquals(e.apply(input, 7), Effect.load(d).apply(input, 7));
    }

    @Test
    void autoencoderCeilingDecodesTheTargetWithTheInputsSkipsAndNoNoise() {
        Effect e = effect(EffectVariant.NN);
        List<ImagePair> pairs = FewshotFixtures.disks(3, 16, 41);
        ImagePair p = pairs.get(0);
        ImagePair otherTarget = new ImagePair("t", p.before(), pairs.get(1).after());
        ImagePair otherInput = new ImagePair("i", pairs.get(2).before(), p.after());
        var ceiling = FewshotEvaluation.autoencoderCeiling(e, List.of(p, otherTarget, otherInput, p));
        RgbImage base = ceiling.apply(0);
        assertEquals(base, ceiling.apply(3), "no injected noise: the same pair gives the same image");
        assertEquals(16, base.width());
        assertNotEquals(base, ceiling.apply(1), "the latent is the target's");
        assertNotEquals(base, ceiling.apply(2), "the skips are the input's");
        FewshotEvaluation.Scores s = FewshotEvaluation.score(List.of(p), FewshotEvaluation.autoencoderCeiling(e,
                List.of(p)), null);
        assertTrue(s.psnr() > 0 && s.psnr() < 100, "scored against the true target: " + s.psnr());
        assertThrows(IllegalArgumentException.class,
                () -> FewshotEvaluation.autoencoderCeiling(effect(EffectVariant.PIX2PIX), pairs));
    }

    @Test
    void resultNamesTheSourcePairsOfEveryChain() {
        Effect e = effect(EffectVariant.NN);
        RgbImage input = FewshotFixtures.disks(1, 16, 99).get(0).before();
        FewshotResult r = e.edit(new FewshotRequest(input, 3, new SamplingConfig(2, 1.0, 3)));
        assertEquals(3, r.sources().size());
        List<String> names = e.pairs().stream().map(ImagePair::name).toList();
        r.sources().forEach(chain -> {
            assertEquals(1, chain.size());
            assertTrue(names.contains(chain.get(0)));
        });
        assertEquals(r.image(), e.edit(new FewshotRequest(input, 3, new SamplingConfig(2, 1.0, 3))).image());
        assertEquals(List.of(List.of()), effect(EffectVariant.ONE).edit(new FewshotRequest(input, 3, null)).sources());
    }

    @Test
    void trainPairsFileListsThePairNames() throws Exception {
        Effect e = effect(EffectVariant.NN);
        e.save(dir, e.network().stateDict(), "# t\n");
        assertEquals(List.of("p0.png", "p1.png", "p2.png", "p3.png"), Files.readAllLines(dir.resolve("train-pairs.txt")));
    }

    @Test
    void anotherFormatVersionIsRefused() throws Exception {
        Effect e = effect(EffectVariant.NN);
        e.save(dir, e.network().stateDict(), "# t\n");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"formatVersion\": 1", "\"formatVersion\": 2"));
        String m = assertThrows(RetouchException.class, () -> Effect.load(dir)).getMessage();
        assertTrue(m.contains("effect format version 2, but this Retouch reads version 1"), m);
        Files.writeString(config, "{\"variant\": \"NN\"}");
        m = assertThrows(RetouchException.class, () -> Effect.load(dir)).getMessage();
        assertTrue(m.contains("has no integer formatVersion"), m);
    }

    @Test
    void brokenDirectoriesAreNamed() throws Exception {
        assertTrue(assertThrows(RetouchException.class, () -> Effect.load(dir.resolve("none"))).getMessage()
                .contains("does not exist"));
        Effect e = effect(EffectVariant.NN);
        e.save(dir, e.network().stateDict(), "# t\n");
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.load(dir.resolve("model.safetensors")));
        String dropped = w.keySet().iterator().next();
        w.remove(dropped);
        Safetensors.save(dir.resolve("model.safetensors"), w, Map.of());
        String m = assertThrows(RetouchException.class, () -> Effect.load(dir)).getMessage();
        assertTrue(m.contains("model.safetensors") && m.contains("missing: " + dropped), m);
        e.save(dir, e.network().stateDict(), "# t\n");
        Files.delete(dir.resolve("pairs/after/p2.png"));
        m = assertThrows(RetouchException.class, () -> Effect.load(dir)).getMessage();
        assertTrue(m.contains("unpaired") && m.contains("before/p2.png"), m);
    }

    @Test
    void tooFewPairsAreRefused() {
        List<ImagePair> one = FewshotFixtures.disks(1, 16, 1);
        assertThrows(RetouchException.class, () -> Effect.create(EffectConfig.tiny(EffectVariant.NN, 2), one, 1));
    }
}
