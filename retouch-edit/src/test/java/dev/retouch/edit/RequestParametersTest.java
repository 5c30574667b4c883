package dev.retouch.edit;

import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.baseline.DiffEditRequest;
import dev.retouch.edit.baseline.Img2ImgRequest;
import dev.retouch.edit.baseline.SdeditRequest;
import dev.retouch.edit.baseline.TextToImageRequest;
import dev.retouch.edit.fewshot.FewshotRequest;
import dev.retouch.edit.pixelguide.PixelguideRequest;
import dev.retouch.edit.sine.SineEditRequest;
import dev.retouch.edit.sine.SineRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every request names its options as the CLI and the HTTP API do, with the values it carries. */
class RequestParametersTest {
    private static final RgbImage IMG = new RgbImage(4, 4, new float[48]);

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void baselines() {
        assertEquals(map("strength", 0.3, "steps", 50, "seed", 7L),
                SdeditRequest.of(IMG).withStrength(0.3).withSeed(7).parameters());
        assertEquals(map("prompt", "cat face", "negative", "", "strength", 0.6, "steps", 50, "guidance", 5.0,
                "sampler", SamplerKind.DDIM.toString(), "seed", 0L), Img2ImgRequest.of(IMG, "cat face").parameters());
        assertEquals(List.of("prompt", "negative", "sampler", "steps", "guidance", "seed", "count"),
                new ArrayList<>(TextToImageRequest.of("red heart").parameters().keySet()));
        assertEquals(map("query", "q", "reference", "r", "ratio", 0.5, "steps", 50, "guidance", 5.0, "seed", 2L),
                DiffEditRequest.of(IMG, "q", "r").withSeed(2).parameters());
    }

    @Test
    void methods() {
        assertEquals(map("seed", 3L), FewshotRequest.of(IMG).withSeed(3).parameters());
        Map<String, Object> pg = PixelguideRequest.ofOps(IMG, List.of("replace mouth face", "move eyes up 2"))
                .parameters();
        assertEquals(Arrays.asList("replace mouth face; move eyes up 2", null, null, "50"),
                Arrays.asList(pg.get("ops"), pg.get("t0"), pg.get("scale"), pg.get("steps")));
        SineEditRequest sine = new SineEditRequest(new SineRequest("crying face", 0.7, 400, 5, 64, 96, true), 25,
                SamplerKind.DDIM, 1, true, false);
        Map<String, Object> p = sine.parameters();
        assertEquals(map("prompt", "crying face", "v", 0.7, "k", 400, "guidance", 5.0, "steps", 25,
                "sampler", SamplerKind.DDIM.toString(), "width", 64, "height", 96, "positional", true, "seed", 1L,
                "fine_tuned_only", true), p);
    }
}
