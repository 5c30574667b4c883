package dev.retouch.edit;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.unet.UNet2DConfig;
import dev.retouch.edit.baseline.DiffEditEditor;
import dev.retouch.edit.baseline.Img2ImgEditor;
import dev.retouch.edit.baseline.SdeditEditor;
import dev.retouch.edit.baseline.TextToImageEditor;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.EffectConfig;
import dev.retouch.edit.fewshot.EffectVariant;
import dev.retouch.edit.fewshot.FewshotEditor;
import dev.retouch.edit.fewshot.FewshotFixtures;
import dev.retouch.edit.pixelguide.ClassifierTraining;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelguideEditor;
import dev.retouch.edit.sine.PositionalGrid;
import dev.retouch.edit.sine.SineConfig;
import dev.retouch.edit.sine.SineEditor;
import dev.retouch.edit.sine.SineModel;
import dev.retouch.edit.sine.Variant;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Every editor over tiny randomly initialised models (built once per test class; nothing downloaded). */
final class TinyEditors {
    final SdeditEditor sdedit;
    final PixelguideEditor pixelguide;
    final Img2ImgEditor img2img;
    final TextToImageEditor generate;
    final DiffEditEditor diffedit;
    final SineEditor sine;
    final FewshotEditor fewshot;
    final dev.retouch.edit.portrait.PortraitEditor portrait;

    TinyEditors() {
        PixelDiffusionModel pixel = PixelDiffusionModel.create(DdpmConfig.of(UNet2DConfig.tiny(),
                NoiseScheduleConfig.ddpmLinear()), 3);
        pixel.unet().eval();
        sdedit = new SdeditEditor(pixel);
        pixelguide = new PixelguideEditor(pixel, classifiers(pixel));
        LatentDiffusion ld = TinyLatentDiffusion.create(5);
        img2img = new Img2ImgEditor(ld);
        generate = new TextToImageEditor(ld);
        diffedit = new DiffEditEditor(ld);
        sine = new SineEditor(ld, sineModel(ld));
        portrait = new dev.retouch.edit.portrait.PortraitEditor(portraitModel(ld));
        Effect effect = Effect.create(EffectConfig.tiny(EffectVariant.NN, 2), FewshotFixtures.disks(4, 16, 5), 1);
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            int k = 0;
            for (Tensor p : effect.network().parameters()) { // away from the zero-initialised outputs
                p.add_(Tensors.randn(Tensors.generator(k++), Tensors.shape(p)).mul(Tensors.s(0.05)));
            }
        }
        effect.network().eval();
        fewshot = new FewshotEditor(effect);
    }

    /** A portrait model on the tiny latent model, moved off its zero-initialised start so every condition acts. */
    private static dev.retouch.edit.portrait.PortraitModel portraitModel(LatentDiffusion ld) {
        int tokens = dev.retouch.edit.portrait.PortraitModel.clipTokens(ld);
        var mcdm = dev.retouch.edit.portrait.Mcdm.create(ld.unet(), ld.unet().config(), ld.model().latentSize(), tokens,
                Tensors.generator(6));
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            int k = 0;
            for (Tensor p : mcdm.parameters()) {
                p.add_(Tensors.randn(Tensors.generator(100 + k++), Tensors.shape(p)).mul(Tensors.s(0.05)));
            }
        }
        mcdm.eval();
        var config = new dev.retouch.edit.portrait.PortraitConfig(dev.retouch.edit.portrait.PortraitConfig.TYPE,
                dev.retouch.edit.portrait.PortraitConfig.FORMAT_VERSION, "../ldm", "man-woman", "person",
                List.of("woman", "man"), mcdm.unet().config(), tokens,
                dev.retouch.edit.portrait.PortraitConfig.Variant.FULL, 0);
        return new dev.retouch.edit.portrait.PortraitModel(config, mcdm, ld);
    }

    /** Classifiers trained for a few steps on maps whose top half is face and bottom half mouth. */
    private static PixelClassifiers classifiers(PixelDiffusionModel pixel) {
        try (PointerScope ignored = new PointerScope()) {
            Tensor images = Tensors.rand(Tensors.generator(4), 6, 3, 8, 8).mul(Tensors.s(2)).sub(Tensors.s(1));
            List<LabelMap> maps = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] c = new byte[64];
                for (int p = 0; p < 64; p++) {
                    c[p] = (byte) (p / 8 < 4 ? FaceClass.FACE.ordinal() : FaceClass.MOUTH.ordinal());
                }
                maps.add(new LabelMap(8, 8, c));
            }
            return ClassifierTraining.train(pixel, "tiny", images, maps, List.of(0, 20, 500, 740),
                    new ClassifierTraining.Options(16, 8, 64, 3, 1e-2, 0), null);
        }
    }

    /** A "fine-tuned" model: the base UNet's weights, slightly moved (what fine-tuning would do). */
    private static SineModel sineModel(LatentDiffusion ld) {
        SineConfig config = new SineConfig(SineConfig.TYPE, SineConfig.FORMAT_VERSION, "../ldm", "face",
                Variant.PATCHES, ld.unet().config(), new SineConfig.Positional(8, 8, 8, PositionalGrid.TEMPERATURE),
                16, 0.1, 3);
        UNet2DConditionModel tuned = new UNet2DConditionModel(ld.unet().config());
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            tuned.loadStateDict(ld.unet().stateDict(), true);
            int k = 0;
            for (Tensor p : tuned.parameters()) {
                p.add_(Tensors.randn(Tensors.generator(100 + k++), Tensors.shape(p)).mul(Tensors.s(0.01)));
            }
        }
        tuned.eval();
        return new SineModel(config, tuned);
    }

    /** A seeded random image of the given size. */
    static RgbImage image(int size, long seed) {
        try (PointerScope ignored = new PointerScope()) {
            return ImageTensors.fromTensor(Tensors.rand(Tensors.generator(seed), 1, 3, size, size).mul(Tensors.s(2))
                    .sub(Tensors.s(1)));
        }
    }
}
