package dev.retouch.edit;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.sine.SineAutoV;
import dev.retouch.edit.sine.SineEditRequest;
import dev.retouch.edit.sine.SineEditResult;
import dev.retouch.edit.sine.SineRequest;
import dev.retouch.edit.sine.SineSampling;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SINE with v chosen per image: what it samples, what it keeps, and that it is the fixed-v edit at the chosen v. */
class SineAutoVTest {
    private static TinyEditors e;

    @BeforeAll
    static void setUp() {
        torch.set_num_threads(1);
        e = new TinyEditors();
    }

    private static RgbImage fixed(SineRequest r, long seed) {
        try (PointerScope ignored = new PointerScope()) {
            var gen = Tensors.generator(seed);
            try {
                return ImageTensors.fromTensor(SineSampling.edit(e.sine.base(), e.sine.tuned(), r,
                        SamplerKind.DDIM.create(e.sine.base().schedule(), 4, 0.0), gen, LoopHooks.NONE, w -> { }));
            } finally {
                Tensors.release(gen);
            }
        }
    }

    @Test
    void keepsTheFirstCandidateThatClipReadsAsWellAsThePretrainedDrawingAndNothingElse() {
        int kept = 0;
        int fellBack = 0;
        for (String prompt : List.of("cat face", "red heart", "thumbs up", "sun", "grinning face")) {
            for (long seed = 0; seed < 3; seed++) {
                SineRequest r = e.sine.request(prompt).sine();
                SineAutoV.Result a;
                RgbImage chosen;
                try (PointerScope ignored = new PointerScope()) {
                    a = SineAutoV.edit(e.sine.base(), e.sine.tuned(), r,
                            () -> SamplerKind.DDIM.create(e.sine.base().schedule(), 4, 0.0), seed, LoopHooks.NONE,
                            w -> { });
                    chosen = ImageTensors.fromTensor(a.image());
                }
                assertEquals(a.tried().length, a.scores().length);
                assertEquals(1.0, a.tried()[0], "the pretrained model's drawing comes first");
                for (int i = 1; i < a.tried().length; i++) {
                    assertEquals(SineAutoV.CANDIDATES[i - 1], a.tried()[i], "candidates in order");
                }
                int last = a.tried().length - 1;
                for (int i = 1; i < last; i++) {
                    assertTrue(a.scores()[i] < a.scores()[0], "a candidate below the drawing's score is passed over");
                }
                if (a.v() < 1) {
                    kept++;
                    assertEquals(a.tried()[last], a.v());
                    assertTrue(a.scores()[last] >= a.scores()[0]);
                } else {
                    fellBack++;
                    assertEquals(SineAutoV.CANDIDATES.length + 1, a.tried().length, "every candidate tried");
                    assertTrue(a.scores()[last] < a.scores()[0]);
                }
                // the same noise as the fixed-v edit at the chosen v and K = 0 (v = 1: the pretrained drawing)
                assertArrayEquals(fixed(r.with(a.v(), SineAutoV.K), seed).chw(), chosen.chw(), prompt + " " + seed);
            }
        }
        assertTrue(kept > 0, "some candidate kept (" + kept + " of 15)");
        assertTrue(kept + fellBack == 15);
    }

    @Test
    void theEditorReportsTheChosenVAndRefusesAutoVWithTheFineTunedModelAlone() {
        SineRequest r = e.sine.request("cat face").sine();
        SineEditResult auto = e.sine.edit(new SineEditRequest(r, 4, SamplerKind.DDIM, 1, false, true),
                StepListener.NONE);
        assertTrue(auto.v() == 1.0 || java.util.Arrays.stream(SineAutoV.CANDIDATES).anyMatch(c -> c == auto.v()));
        SineEditResult same = e.sine.edit(new SineEditRequest(r.with(auto.v(), SineAutoV.K), 4, SamplerKind.DDIM, 1,
                false, false), StepListener.NONE);
        assertArrayEquals(same.image().chw(), auto.image().chw());
        assertEquals(auto.v(), same.v());
        var p = new SineEditRequest(r, 4, SamplerKind.DDIM, 1, false, true).parameters();
        assertEquals("auto", p.get("v"));
        assertEquals(SineAutoV.K, p.get("k"));
        assertThrows(dev.retouch.core.RetouchException.class,
                () -> new SineEditRequest(r, 4, SamplerKind.DDIM, 1, true, true));
        List<Long> steps = new ArrayList<>();
        e.sine.edit(new SineEditRequest(r, 4, SamplerKind.DDIM, 1, false, true), (step, total, m) -> {
            steps.add(step);
            return true;
        });
        assertTrue(steps.size() >= 8 && steps.size() % 4 == 0, "4 steps per sample, at least two samples: " + steps);
    }
}
