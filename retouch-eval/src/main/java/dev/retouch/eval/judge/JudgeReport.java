package dev.retouch.eval.judge;

import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import org.bytedeco.pytorch.Tensor;

import java.util.function.Consumer;

/**
 * The judge's own quality, on data it never trained on: subcategory top-1/top-5 on the TEST split (images of
 * subcategories absent from TRAIN are counted apart, the judge cannot name them), face-part mean IoU on the labelled
 * faces of the VALIDATION and TEST splits, and the judge-FD between the TRAIN and TEST images: the floor every
 * generated-image judge-FD is read against (two samples of real emojis are this far apart).
 */
public record JudgeReport(int testImages, long testUnknown, double top1, double top5, int heldOutFaces,
                          double faceMeanIou, double[] faceClassIou, boolean[] faceClassPresent, double trainTestFd) {

    /** Measures {@code judge} on the emoji set. */
    public static JudgeReport measure(EmojiJudge judge, EmojiDataset ds, Consumer<String> notice) {
        var subs = judge.config().subcategories();
        JudgeData.Labelled test = JudgeData.classification(ds, Split.TEST, subs);
        JudgeScores t = JudgeScores.of(judge, test.images(), notice);
        JudgeData.Faces faces = heldOutFaces(ds);
        JudgeScores f = JudgeScores.of(judge, faces.images(), notice);
        JudgeData.Labelled train = JudgeData.classification(ds, Split.TRAIN, subs);
        JudgeScores tr = JudgeScores.of(judge, train.images(), notice);
        int classes = judge.config().faceClasses();
        byte[][] truth = maps(faces.maps());
        return new JudgeReport(test.labels().length, JudgeData.unknown(ds, Split.TEST, subs), t.topK(test.labels(), 1),
                t.topK(test.labels(), 5), faces.names().size(), f.meanIou(truth, classes),
                JudgeScores.classIou(f.faceMaps(), truth, classes), JudgeScores.present(truth, classes),
                tr.frechetDistance(t));
    }

    /**
     * Mean IoU over the classes present in the held-out labels only. A class absent from them (the held-out faces
     * have no tears) cannot be measured: any pixel the judge gives it scores 0 in {@link #faceMeanIou}, which
     * therefore mixes a false-positive count into the mean. Both are reported.
     */
    public double faceMeanIouPresent() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < faceClassIou.length; c++) {
            if (faceClassPresent[c]) {
                sum += faceClassIou[c];
                n++;
            }
        }
        return sum / n;
    }

    /** "name 0.94, …" per class, "–" for a class absent from the held-out labels. */
    public String classIouText(String[] names) {
        var parts = new java.util.ArrayList<String>();
        for (int c = 0; c < faceClassIou.length; c++) {
            parts.add((c < names.length ? names[c] : "class " + c) + " " + (faceClassPresent[c]
                    ? String.format(java.util.Locale.ROOT, "%.2f", faceClassIou[c]) : "–"));
        }
        return String.join(", ", parts);
    }

    /** The labelled faces of VALIDATION and TEST (never in the judge's training). */
    public static JudgeData.Faces heldOutFaces(EmojiDataset ds) {
        JudgeData.Faces v = JudgeData.faces(ds, Split.VALIDATION);
        JudgeData.Faces t = JudgeData.faces(ds, Split.TEST);
        var names = new java.util.ArrayList<>(v.names());
        names.addAll(t.names());
        return new JudgeData.Faces(dev.retouch.core.tensor.Tensors.cat(0, v.images(), t.images()),
                dev.retouch.core.tensor.Tensors.cat(0, v.maps(), t.maps()), names);
    }

    /** (M, 32, 32) int64 → M maps of bytes. */
    static byte[][] maps(Tensor maps) {
        long[] ids = dev.retouch.core.tensor.Tensors.toLongs(maps);
        int m = (int) maps.size(0);
        int p = ids.length / m;
        byte[][] out = new byte[m][p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                out[i][j] = (byte) ids[i * p + j];
            }
        }
        return out;
    }

    /** The report's fields as {@code eval judge}, {@code train judge} and their report.json print them. */
    public java.util.Map<String, Object> fields() {
        java.util.Map<String, Object> res = new java.util.LinkedHashMap<>();
        res.put("test_images", testImages());
        res.put("test_top1", top1());
        res.put("test_top5", top5());
        res.put("test_unknown_subcategory", testUnknown());
        res.put("held_out_faces", heldOutFaces());
        res.put("face_mean_iou", faceMeanIou());
        res.put("face_mean_iou_present_classes", faceMeanIouPresent());
        java.util.Map<String, Object> perClass = new java.util.LinkedHashMap<>();
        dev.retouch.edit.pixelguide.FaceClass[] names = dev.retouch.edit.pixelguide.FaceClass.values();
        for (int c = 0; c < faceClassIou().length; c++) {
            double v = faceClassIou()[c];
            perClass.put(c < names.length ? names[c].label() : "class " + c, Double.isNaN(v) ? "absent"
                    : faceClassPresent()[c] ? v : "absent from the labels (" + v + ")");
        }
        res.put("face_class_iou", perClass);
        res.put("train_test_judge_fd", trainTestFd());
        return res;
    }
}
