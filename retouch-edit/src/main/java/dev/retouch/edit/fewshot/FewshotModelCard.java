package dev.retouch.edit.fewshot;

import dev.retouch.data.pairs.ImagePair;
import dev.retouch.diffusion.train.LossCurve;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.TrainingCard;

import java.util.Locale;
import java.util.stream.Collectors;

/** The MODEL_CARD.md of a trained effect: what it learned from, how, and the numbers its training produced. */
final class FewshotModelCard {
    private FewshotModelCard() {
    }

    static String of(Effect effect, FewshotRun run, int steps, double seconds, double[] loss, double trainPsnr) {
        EffectConfig c = effect.config();
        TrainConfig t = run.train();
        String network = switch (c.variant()) {
            case NN -> "the paper-000 model trained n-source-to-n-target with n = " + c.fewshot().groupSize();
            case ONE -> "the paper-000 model trained one-source-to-one-target (\"without n-n\")";
            case PIX2PIX -> "the pix2pix-style direct regressor baseline (U-Net, L1)";
        };
        String names = effect.pairs().stream().map(ImagePair::name).collect(Collectors.joining(", "));
        double recent = LossCurve.lastMean(loss, 100);
        return String.format(Locale.ROOT, """
                # Few-shot effect (trained by `retouch train fewshot`)

                Variant `%s`: %s; %,d parameters; %d×%d images; weights EMA (decay %.4f) stored as fp16.

                Learned from %d before/after pairs (kept in `pairs/`, listed in `train-pairs.txt`):
                %s.

                """, c.variant().label(), network, effect.network().parameterCount(), c.imageSize(), c.imageSize(),
                t.emaDecay(), effect.pairs().size(), names)
                + TrainingCard.command(run.command()) + String.format(Locale.ROOT, """

                Steps: %d of batch %d, AdamW lr %s (%d warm-up steps), gradient clipping at %.1f, seed %d.
                Training time: %s on this machine. Mean of the last 100 losses: %.4f.

                Fit to its own training pairs (sampling %s, seed k for pair k): mean PSNR %.2f dB.
                Held-out quality is measured by `retouch eval fewshot`; see docs/EVALUATION.md.

                """, steps, t.batchSize(), t.learningRate(),
                t.warmupSteps(), t.gradClip(), t.seed(), FewshotTraining.perStep(seconds, steps), recent,
                c.variant() == EffectVariant.PIX2PIX ? "none" : c.sampling().describe(), trainPsnr)
                + TrainingCard.lossCurve("loss", loss);
    }
}
