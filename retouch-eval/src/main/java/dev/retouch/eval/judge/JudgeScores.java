package dev.retouch.eval.judge;

import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.function.Consumer;

/**
 * What the judge says of a set of images, and the scores read from it: subcategory top-k accuracy, face-part
 * mean IoU, Fréchet distance in the judge's feature space ("judge-FD").
 *
 * @param logits   (N, K) subcategory logits, row-major
 * @param features (N, F) penultimate features
 * @param faceMaps (N, 32·32) argmax face-part class per pixel
 */
public record JudgeScores(float[][] logits, double[][] features, byte[][] faceMaps) {
    private static final int BATCH = 64;

    /**
     * Runs {@code judge} on images (N, 3, H, W) with values in [−1, 1] (the project's image tensors). Images of
     * another size than the judge's are resized bilinearly, and {@code notice} is told once.
     */
    public static JudgeScores of(EmojiJudge judge, Tensor images, Consumer<String> notice) {
        int n = (int) images.size(0);
        int side = judge.config().imageSize();
        if (images.size(2) != side || images.size(3) != side) {
            notice.accept("images are " + images.size(3) + "x" + images.size(2) + "; resized to the judge's "
                    + side + "x" + side);
        }
        float[][] logits = new float[n][];
        double[][] features = new double[n][];
        byte[][] maps = new byte[n][];
        try (InferenceMode ignored = new InferenceMode()) {
            for (int start = 0; start < n; start += BATCH) {
                try (PointerScope scope = new PointerScope()) {
                    long len = Math.min(BATCH, n - start);
                    Tensor x = resize(images.narrow(0, start, len), side);
                    EmojiJudge.Output o = judge.forward(x);
                    float[] l = Tensors.toFloats(o.logits());
                    float[] f = Tensors.toFloats(o.features());
                    float[] m = Tensors.toFloats(o.faceLogits().argmax(new org.bytedeco.pytorch.LongOptional(1), false)
                            .to(torch.ScalarType.Float));
                    int k = l.length / (int) len;
                    int d = f.length / (int) len;
                    int p = m.length / (int) len;
                    for (int i = 0; i < len; i++) {
                        logits[start + i] = java.util.Arrays.copyOfRange(l, i * k, (i + 1) * k);
                        features[start + i] = new double[d];
                        for (int j = 0; j < d; j++) {
                            features[start + i][j] = f[i * d + j];
                        }
                        maps[start + i] = new byte[p];
                        for (int j = 0; j < p; j++) {
                            maps[start + i][j] = (byte) m[i * p + j];
                        }
                    }
                }
            }
        }
        return new JudgeScores(logits, features, maps);
    }

    private static Tensor resize(Tensor x, int side) {
        if (x.size(2) == side && x.size(3) == side) {
            return x;
        }
        return torch.upsample_bilinear2d(x.contiguous(), new long[]{side, side}, false);
    }

    public int size() {
        return logits.length;
    }

    /** The judge's probability (softmax of the logits) of class {@code cls} for image i. */
    public double probability(int i, int cls) {
        float[] l = logits[i];
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : l) {
            sum += Math.exp(v - max);
        }
        return Math.exp(l[cls] - max) / sum;
    }

    /** The cosine of two feature vectors (e.g. the judge's features of an input and of its edit). */
    public static double cosine(double[] a, double[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** The judge's probability (softmax of the logits) of its top-1 class for image i. */
    public double confidence(int i) {
        float[] l = logits[i];
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : l) {
            sum += Math.exp(v - max);
        }
        return 1 / sum;
    }

    /** The share of images whose top-1 class has at least probability {@code threshold}: the ones it recognises. */
    public double recognisedShare(double threshold) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            n += confidence(i) >= threshold ? 1 : 0;
        }
        return (double) n / size();
    }

    /** The {@code k} most frequent top-1 classes (named by {@code names}) and their shares, most frequent first. */
    public java.util.Map<String, Double> topSubcategories(List<String> names, int k) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int i = 0; i < size(); i++) {
            counts.merge(names.get(top1(i)), 1, Integer::sum);
        }
        java.util.Map<String, Double> top = new java.util.LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(k)
                .forEach(e -> top.put(e.getKey(), (double) e.getValue() / size()));
        return top;
    }

    /** The judge's top-1 class of image i. */
    public int top1(int i) {
        return rank(i, 1)[0];
    }

    /** The judge's k most likely classes of image i, most likely first. */
    public int[] rank(int i, int k) {
        float[] l = logits[i];
        Integer[] order = new Integer[l.length];
        for (int j = 0; j < l.length; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(l[b], l[a]));
        int[] out = new int[Math.min(k, l.length)];
        for (int j = 0; j < out.length; j++) {
            out[j] = order[j];
        }
        return out;
    }

    /** Share of images whose true class is among the judge's k most likely. */
    public double topK(long[] labels, int k) {
        if (labels.length != size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + size() + " images");
        }
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int c : rank(i, k)) {
                if (c == labels[i]) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / labels.length;
    }

    /**
     * Mean over classes of the intersection-over-union of the judge's face-part maps with {@code truth}
     * (each a 32·32 map of class ids), pooled over the whole set; classes absent from both are left out.
     */
    public double meanIou(byte[][] truth, int classes) {
        return meanIou(faceMaps, truth, classes);
    }

    /** Pooled per-class IoU of two sets of maps, averaged over the classes present in either. */
    public static double meanIou(byte[][] predicted, byte[][] truth, int classes) {
        double sum = 0;
        int present = 0;
        for (double v : classIou(predicted, truth, classes)) {
            if (!Double.isNaN(v)) {
                sum += v;
                present++;
            }
        }
        return sum / present;
    }

    /** Which classes occur at least once in {@code truth}. */
    public static boolean[] present(byte[][] truth, int classes) {
        boolean[] p = new boolean[classes];
        for (byte[] m : truth) {
            for (byte c : m) {
                p[c] = true;
            }
        }
        return p;
    }

    /** Pooled IoU of each class (NaN for a class absent from both sets). */
    public static double[] classIou(byte[][] predicted, byte[][] truth, int classes) {
        long[] inter = new long[classes];
        long[] union = new long[classes];
        for (int i = 0; i < truth.length; i++) {
            for (int p = 0; p < truth[i].length; p++) {
                int a = predicted[i][p];
                int b = truth[i][p];
                if (a == b) {
                    inter[a]++;
                    union[a]++;
                } else {
                    union[a]++;
                    union[b]++;
                }
            }
        }
        double[] iou = new double[classes];
        for (int c = 0; c < classes; c++) {
            iou[c] = union[c] > 0 ? (double) inter[c] / union[c] : Double.NaN;
        }
        return iou;
    }

    /**
     * {@code n} of these images, evenly spaced (deterministic): for a Fréchet-distance floor at the same sample
     * count as a generated set (FD is biased upwards for small sets, so only equal counts compare).
     */
    public JudgeScores subset(int n) {
        if (n < 2 || n > size()) {
            throw new IllegalArgumentException("subset of " + n + " from " + size() + " images");
        }
        float[][] l = new float[n][];
        double[][] f = new double[n][];
        byte[][] m = new byte[n][];
        for (int i = 0; i < n; i++) {
            int k = (int) ((long) i * size() / n);
            l[i] = logits[k];
            f[i] = features[k];
            m[i] = faceMaps[k];
        }
        return new JudgeScores(l, f, m);
    }

    /** Judge-FD between these images and {@code other}. */
    public double frechetDistance(JudgeScores other) {
        return FrechetDistance.of(features, other.features);
    }
}
