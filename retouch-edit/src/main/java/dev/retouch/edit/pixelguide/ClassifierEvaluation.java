package dev.retouch.edit.pixelguide;

import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/** Per-class IoU of the classifiers on labelled images, pooled over all their pixels, at a given timestep. */
public final class ClassifierEvaluation {
    private ClassifierEvaluation() {
    }

    /** Scores at one timestep: IoU per class present (by class label) and their mean. */
    public record Scores(int t, Map<String, Double> iou, double meanIou, double accuracy) {
    }

    public static Scores evaluate(PixelClassifiers pc, PixelDiffusionModel model, LabelledFaces faces, int t, long seed) {
        int per = faces.maps().get(0).classes().length;
        int[] predicted = new int[faces.size() * per];
        int[] truth = new int[predicted.length];
        try (PointerScope ignored = new PointerScope()) {
            Tensor logits = pc.logits(model, faces.tensor(), t, Tensors.generator(seed));
            Tensor arg = torch.argmax(logits, new org.bytedeco.pytorch.LongOptional(1), false).contiguous();
            long[] v = new long[(int) arg.numel()];
            new org.bytedeco.javacpp.LongPointer(arg.data_ptr()).get(v);
            for (int i = 0; i < v.length; i++) {
                predicted[i] = (int) v[i];
                truth[i] = faces.maps().get(i / per).classes()[i % per];
            }
        }
        Map<String, Double> iou = new LinkedHashMap<>();
        double sum = 0;
        for (FaceClass c : FaceClass.values()) {
            double v = Metrics.iou(predicted, truth, c.ordinal());
            if (!Double.isNaN(v)) {
                iou.put(c.label(), v);
                sum += v;
            }
        }
        return new Scores(t, iou, sum / iou.size(), Metrics.pixelAccuracy(predicted, truth, null));
    }
}
