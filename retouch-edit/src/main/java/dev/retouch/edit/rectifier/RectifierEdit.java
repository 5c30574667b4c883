package dev.retouch.edit.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

import dev.retouch.core.tensor.Tensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * An attribute edit trained by paper 002's Algorithm 1: a rectifier directory (config, weights, card) plus
 * {@value #SPEC_FILE}, the prompts it was trained on and the reconstruction rectifier it started from. Editing an
 * image is DDIM inversion with the reconstruction rectifier (the trajectory the edit was trained to leave) and
 * regeneration with the editing rectifier, both conditioned on the input image (paper 002 §"Training Editing like
 * Score Matching": the whole interval, from the inverted noise to t = 0).
 */
public final class RectifierEdit {
    public static final String SPEC_FILE = "edit.json";
    public static final String TYPE = "rectifier-edit";
    public static final int FORMAT_VERSION = 1;

    /**
     * What an edit directory records next to its rectifier.
     *
     * @param inversion the reconstruction rectifier: a shipped model's name or a path relative to the edit directory
     * @param images    the training images as {@code train rectifier-edit --images} took them
     * @param steps     optimizer steps of the training (a baseline gets the same budget)
     * @param batch     its batch size
     */
    public record Spec(String type, int formatVersion, String source, String target, String inversion,
                       double lambdaClip, double lambdaL1, String images, int steps, int batch) {
        public Spec(String source, String target, String inversion, double lambdaClip, double lambdaL1, String images,
                    int steps, int batch) {
            this(TYPE, FORMAT_VERSION, source, target, inversion, lambdaClip, lambdaL1, images, steps, batch);
        }
    }

    private final Spec spec;
    private final RectifiedModel inversion;
    private final RectifiedModel edit;

    private RectifierEdit(Spec spec, RectifiedModel inversion, RectifiedModel edit) {
        this.spec = spec;
        this.inversion = inversion;
        this.edit = edit;
    }

    /** True when {@code dir} holds an edit (not a plain reconstruction rectifier). */
    public static boolean isEdit(Path dir) {
        return Files.isRegularFile(dir.resolve(SPEC_FILE));
    }

    /**
     * Reads an edit directory's {@value #SPEC_FILE}.
     *
     * @throws RetouchException naming the file and the problem
     */
    public static Spec spec(Path dir) {
        Path file = dir.resolve(SPEC_FILE);
        if (!Files.isRegularFile(file)) {
            throw new RetouchException(dir + ": not a rectifier edit (no " + SPEC_FILE + "; train one with `retouch "
                    + "train rectifier-edit`)");
        }
        Spec s = Json.read(file, Spec.class);
        if (!TYPE.equals(s.type()) || s.formatVersion() != FORMAT_VERSION || s.source() == null || s.target() == null
                || s.inversion() == null) {
            throw new RetouchException(file + ": not a rectifier edit of format " + FORMAT_VERSION + " (type '"
                    + s.type() + "', version " + s.formatVersion() + ", or a field missing)");
        }
        return s;
    }

    /**
     * The edit in {@code editDir} on {@code model} (loaded from {@code modelDir}); {@code byName} resolves shipped
     * models' names (a model store's {@code resolve}).
     *
     * @throws InvalidRequestException when the edit or its reconstruction rectifier belongs to another model
     */
    public static RectifierEdit of(PixelDiffusionModel model, Path modelDir, Path editDir,
                                   Function<String, Path> byName) {
        Spec spec = spec(editDir);
        Path inversionDir = Rectifier.resolve(editDir, spec.inversion(), byName);
        return new RectifierEdit(spec, RectifiedModel.of(model, modelDir, inversionDir, byName),
                RectifiedModel.of(model, modelDir, editDir, byName));
    }

    /** Writes an edit directory: the rectifier (config, fp16 weights, card) and {@value #SPEC_FILE}. */
    public static void save(Path dir, RectifierConfig config, Map<String, Tensor> weights, Spec spec, String card) {
        Rectifier.save(dir, config, weights, card);
        Json.write(dir.resolve(SPEC_FILE), spec);
    }

    public Spec spec() {
        return spec;
    }

    /** The reconstruction-trained rectifier the edit inverts with. */
    public RectifiedModel inversion() {
        return inversion;
    }

    /** The editing rectifier. */
    public RectifiedModel editing() {
        return edit;
    }

    /**
     * Edits images (B, 3, S, S) in [−1, 1]: DDIM inversion over {@code steps} steps with the reconstruction rectifier,
     * η = 0 DDIM regeneration over the same timesteps with the editing rectifier; the result is clamped to [−1, 1].
     */
    public Tensor apply(Tensor x0, int steps, LoopHooks hooks) {
        if (steps < 1) {
            throw new InvalidRequestException("steps must be at least 1, got " + steps);
        }
        PixelDiffusionModel base = edit.base();
        Tensor out = PixelPipelines.invertThenSample(base, inversion.denoiser(x0), edit.denoiser(x0), x0, steps,
                hooks).image();
        return out.clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1)));
    }
}
