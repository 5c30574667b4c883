package dev.retouch.edit;

import dev.retouch.edit.baseline.DiffEditEditor;
import dev.retouch.edit.baseline.Img2ImgEditor;
import dev.retouch.edit.baseline.SdeditEditor;
import dev.retouch.edit.baseline.TextToImageEditor;
import dev.retouch.edit.fewshot.FewshotEditor;
import dev.retouch.edit.pixelguide.PixelguideEditor;
import dev.retouch.edit.sine.SineEditor;

/**
 * The front door for library users: a {@link ModelStore} and one method per editor, by model name.
 * <pre>{@code
 *   Retouch retouch = Retouch.open();                 // the shipped models (-Dretouch.home or RETOUCH_HOME)
 *   RgbImage face = Images.read(Path.of("in.png"));
 *   PixelguideResult r = retouch.pixelguide().edit(PixelguideRequest.ofOps(face, List.of("replace mouth face")));
 *   Images.writePng(Path.of("out.png"), r.image());
 * }</pre>
 * Editors are cheap: models are loaded once by the store and shared, so asking twice returns editors over the
 * same models.
 */
public final class Retouch {
    public static final String PIXEL_MODEL = "emoji-ddpm-32";
    public static final String LATENT_MODEL = "emoji-ldm";
    public static final String CLASSIFIERS = "pixelguide-emoji";

    private final ModelStore store;

    private Retouch(ModelStore store) {
        this.store = store;
    }

    /** Over the shipped models of the Retouch home ({@link ModelStore#fromEnvironment()}). */
    public static Retouch open() {
        return new Retouch(ModelStore.fromEnvironment());
    }

    /** Over a store of your own. */
    public static Retouch with(ModelStore store) {
        return new Retouch(store);
    }

    public ModelStore store() {
        return store;
    }

    /** SDEdit with a pixel model (name or directory). */
    public SdeditEditor sdedit(String pixelModel) {
        return new SdeditEditor(store.pixel(pixelModel));
    }

    /** SDEdit with {@value #PIXEL_MODEL}. */
    public SdeditEditor sdedit() {
        return sdedit(PIXEL_MODEL);
    }

    /** img2img with a latent model. */
    public Img2ImgEditor img2img(String latentModel) {
        return new Img2ImgEditor(store.latent(latentModel));
    }

    /** DiffEdit with a latent model. */
    public DiffEditEditor diffedit(String latentModel) {
        return new DiffEditEditor(store.latent(latentModel));
    }

    /** Text-to-image with a latent model. */
    public TextToImageEditor generate(String latentModel) {
        return new TextToImageEditor(store.latent(latentModel));
    }

    /** Pixelguide with a pixel model and its classifiers. */
    public PixelguideEditor pixelguide(String pixelModel, String classifiers) {
        return new PixelguideEditor(store.pixel(pixelModel), store.classifiers(classifiers));
    }

    /** Pixelguide with {@value #PIXEL_MODEL} and {@value #CLASSIFIERS}. */
    public PixelguideEditor pixelguide() {
        return pixelguide(PIXEL_MODEL, CLASSIFIERS);
    }

    /** SINE with a fine-tuned model (made by {@code retouch finetune sine}) and the base it names. */
    public SineEditor sine(String tunedModel) {
        return new SineEditor(store.sineBase(tunedModel), store.sine(tunedModel));
    }

    /** A learned fewshot effect (name under {@code models/effects/} or directory). */
    public FewshotEditor fewshot(String effect) {
        return new FewshotEditor(store.effect(effect));
    }
}
