package dev.retouch.eval.judge;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiJudgeTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    private static JudgeConfig tiny() {
        return new JudgeConfig(64, List.of(8, 16, 16, 32), 8, 32, 9, List.of("a", "b", "c", "d", "e"));
    }

    @Test
    void headsHaveTheirShapes() {
        EmojiJudge j = new EmojiJudge(tiny());
        j.initialize(Tensors.generator(1));
        EmojiJudge.Output o = j.forward(Tensors.randn(Tensors.generator(2), 3, 3, 64, 64));
        assertArrayEquals(new long[]{3, 5}, Tensors.shape(o.logits()));
        assertArrayEquals(new long[]{3, 32}, Tensors.shape(o.features()));
        assertArrayEquals(new long[]{3, 9, 32, 32}, Tensors.shape(o.faceLogits()));
    }

    @Test
    void savedJudgesLoadIdenticallyAndAMismatchedConfigIsRefused() throws Exception {
        EmojiJudge j = new EmojiJudge(tiny());
        j.initialize(Tensors.generator(3));
        EmojiJudge.save(dir.resolve("j"), tiny(), j.stateDict(), "# tiny judge\n");
        EmojiJudge back = EmojiJudge.load(dir.resolve("j"));
        Tensor x = Tensors.rand(Tensors.generator(4), 2, 3, 64, 64).mul(Tensors.s(2)).sub(Tensors.s(1));
        JudgeScores a = JudgeScores.of(j, x, s -> { });
        JudgeScores b = JudgeScores.of(back, x, s -> { });
        for (int i = 0; i < 2; i++) {
            assertEquals(a.top1(i), b.top1(i));
            assertArrayEquals(a.features()[i], b.features()[i], 2e-2); // fp16 weights
        }
        JudgeConfig wider = new JudgeConfig(64, List.of(8, 16, 16, 64), 8, 32, 9, tiny().subcategories());
        Files.writeString(dir.resolve("j/config.json"), Json.toJson(wider));
        RetouchException e = assertThrows(RetouchException.class, () -> EmojiJudge.load(dir.resolve("j")));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("blocks.3"), e.getMessage());
    }

    @Test
    void imagesOfAnotherSizeAreResizedWithANotice() {
        EmojiJudge j = new EmojiJudge(tiny());
        j.initialize(Tensors.generator(5));
        StringBuilder notices = new StringBuilder();
        JudgeScores s = JudgeScores.of(j, Tensors.rand(Tensors.generator(6), 2, 3, 32, 32), notices::append);
        assertEquals(2, s.size());
        assertTrue(notices.toString().contains("32x32") && notices.toString().contains("64x64"), notices.toString());
    }

    @Test
    void topKAndMeanIouCountAsDefined() {
        JudgeScores s = new JudgeScores(new float[][]{{3, 2, 1}, {1, 3, 2}, {1, 2, 3}}, new double[3][1],
                new byte[][]{{0, 0, 1, 1}, {2, 2, 2, 2}, {0, 1, 2, 0}});
        assertEquals(1 / 3.0, s.topK(new long[]{0, 2, 0}, 1), 1e-12);
        assertEquals(2 / 3.0, s.topK(new long[]{0, 2, 0}, 2), 1e-12);
        assertEquals(1.0, s.topK(new long[]{0, 2, 0}, 3), 1e-12);
        // class 0: predicted 4 pixels, true 3, shared 2 → 2/5; class 1: 3, 4, 2 → 2/5; class 2: 5, 5, 4 → 4/6
        byte[][] truth = {{0, 1, 1, 0}, {2, 2, 2, 1}, {0, 1, 2, 2}};
        double expected = (2 / 5.0 + 2 / 5.0 + 4 / 6.0) / 3;
        assertEquals(expected, s.meanIou(truth, 3), 1e-12);
    }

    @Test
    void augmentationMovesTheMapsWithTheImage() {
        // an image painted from its own map (class id → grey level, 2×2 pixels per map cell): after a random warp
        // the warped image, read back as classes, must agree with the warped map almost everywhere
        long[] ids = new long[2 * 32 * 32];
        for (int i = 0; i < ids.length; i++) {
            int y = (i / 32) % 32;
            int x = i % 32;
            ids[i] = ((y / 8) * 4 + x / 8 + i / 1024) % 9; // blocks of 8×8 cells
        }
        Tensor maps = Tensors.ofLongs(ids, 2, 32, 32);
        Tensor image = torch.upsample_nearest2d(maps.unsqueeze(1).to(torch.ScalarType.Float), new long[]{64, 64})
                .expand(2, 3, 64, 64).contiguous();
        float[] th = {0.9f, -0.3f, 0.1f, 0.3f, 0.9f, -0.05f, -1.1f, 0.1f, 0f, 0.1f, 1.1f, 0.08f};
        Tensor[] w = JudgeTask.warp(image, maps, Tensors.of(th, 2, 2, 3));
        Tensor back = torch.avg_pool2d(w[0].narrow(1, 0, 1), new long[]{2, 2}).squeeze(1).round().to(torch.ScalarType.Long);
        double agree = w[1].eq(back).to(torch.ScalarType.Float).mean().item_double();
        assertTrue(agree > 0.9, "warped map and warped image agree on " + agree);
        assertTrue(!w[1].equal(maps), "the warp moved something");
    }

    @Test
    void faceHeadOnlyTrainingMovesTheHeadAndLeavesTheTrunkBitIdentical() {
        EmojiJudge j = new EmojiJudge(tiny());
        j.initialize(Tensors.generator(7));
        java.util.Map<String, Tensor> before = new java.util.LinkedHashMap<>();
        j.stateDict().forEach((k, v) -> before.put(k, v.clone()));
        Tensor images = Tensors.rand(Tensors.generator(8), 4, 3, 64, 64).mul(Tensors.s(2)).sub(Tensors.s(1));
        long[] ids = new long[4 * 32 * 32];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i / 32) % 32 < 16 ? 1 : 2;
        }
        JudgeData.Faces faces = new JudgeData.Faces(images, Tensors.ofLongs(ids, 4, 32, 32), List.of("a", "b", "c", "d"));
        JudgeTask task = JudgeTask.faceHeadOnly(j, faces, JudgeTask.balancedWeights(faces.maps(), 9));
        var opt = new dev.retouch.diffusion.train.AdamW(j.namedParameters(), 1e-4);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 30; step++) {
            opt.zeroGrad();
            Tensor loss = task.loss(4, Tensors.generator(100 + step));
            loss.backward();
            opt.step(1e-2);
            last = loss.item_double();
            first = step == 0 ? last : first;
        }
        assertTrue(last < first * 0.7, "face loss fell from " + first + " to " + last);
        int head = 0;
        for (var e : before.entrySet()) {
            boolean same = j.stateDict().get(e.getKey()).equal(e.getValue());
            if (EmojiJudge.isFaceHead(e.getKey())) {
                head += same ? 0 : 1;
            } else {
                assertTrue(same, "frozen tensor " + e.getKey() + " changed");
            }
        }
        assertTrue(head > 0, "the face-part head learnt");
        assertTrue(before.keySet().stream().anyMatch(EmojiJudge::isFaceHead)
                && before.keySet().stream().anyMatch(k -> !EmojiJudge.isFaceHead(k)));
    }

    @Test
    void classWeightsFollowTheSquareRootOfMedianOverFrequencyClipped() {
        // counts: class 0 → 64, class 1 → 16, class 2 → 4, class 3 → 0 (median of the present counts: 16)
        long[] ids = new long[84];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i < 64 ? 0 : i < 80 ? 1 : 2;
        }
        double[] w = JudgeTask.balancedWeights(Tensors.ofLongs(ids, 1, 84), 4);
        assertArrayEquals(new double[]{0.5, 1.0, 2.0, 5.0}, w, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> JudgeTask.faceHeadOnly(new EmojiJudge(tiny()),
                new JudgeData.Faces(Tensors.rand(Tensors.generator(1), 1, 3, 64, 64), Tensors.ofLongs(new long[1024], 1, 32, 32),
                        List.of("x")), new double[3]));
    }

    @Test
    void meanIouOverPresentClassesLeavesOutAClassTheLabelsDoNotHave() {
        // truth has classes 0 and 1 only; the prediction puts one pixel in class 2 (absent from the truth)
        byte[][] truth = {{0, 0, 1, 1}};
        byte[][] predicted = {{0, 0, 1, 2}};
        double[] iou = JudgeScores.classIou(predicted, truth, 3);
        assertArrayEquals(new double[]{1.0, 0.5, 0.0}, iou, 1e-12);
        boolean[] present = JudgeScores.present(truth, 3);
        assertArrayEquals(new boolean[]{true, true, false}, present);
        JudgeReport r = new JudgeReport(1, 0, 1, 1, 1, JudgeScores.meanIou(predicted, truth, 3), iou, present, 0);
        assertEquals(0.5, r.faceMeanIou(), 1e-12);          // (1 + 0.5 + 0) / 3
        assertEquals(0.75, r.faceMeanIouPresent(), 1e-12);  // (1 + 0.5) / 2
        assertEquals("a 1.00, b 0.50, c –", r.classIouText(new String[]{"a", "b", "c"}));
    }
}
