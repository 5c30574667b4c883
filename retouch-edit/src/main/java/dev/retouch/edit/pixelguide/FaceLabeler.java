package dev.retouch.edit.pixelguide;

import dev.retouch.core.image.RgbImage;

import java.util.ArrayDeque;

/**
 * Few-shot label maps for Noto emoji faces by colour rules, for DatasetDDPM-style pixel classifiers (paper 004
 * trains them on 20–40 annotated images). Works on the 64×64 image composited on white, then votes down to the
 * label size. The rules, in order:
 * <ol>
 *   <li>background: near-white pixels connected to the border;</li>
 *   <li>dark (luminance &lt; 0.35, the Noto feature brown #422B0D): connected components; centroid above the eye
 *       line → eye, in the brow band (top 30 %) → other (eyebrows), below → mouth;</li>
 *   <li>blue (B &gt; R + 0.15) → tear; hot pink (R high, G low, B mid: #FF4081) → tongue;</li>
 *   <li>near-white inside the face: above the eye line → eye (sclera), below → teeth;</li>
 *   <li>face yellow (R &gt; 0.8, G &gt; 0.55, B &lt; 0.45) inside the face disc → face, outside it → hand;</li>
 *   <li>anything else → other.</li>
 * </ol>
 * The rules are checked by eye on the committed set (see data/pixelguide/README.md); images they get wrong are left
 * out of that set rather than patched.
 */
public final class FaceLabeler {
    static final int SIZE = 64;
    private static final double EYE_LINE = 0.53;   // fraction of the height separating eyes from mouth
    private static final double BROW_LINE = 0.30;
    private static final double FACE_CX = 31.5;
    private static final double FACE_CY = 32.5;
    private static final double FACE_R = 31.0;

    private FaceLabeler() {
    }

    /** Labels a 64×64 Noto face and votes it down to {@code size}×{@code size} (size divides 64). */
    public static LabelMap label(RgbImage image, int size) {
        if (image.width() != SIZE || image.height() != SIZE || SIZE % size != 0) {
            throw new IllegalArgumentException("expected a 64x64 emoji and a label size dividing 64, found "
                    + image.width() + "x" + image.height() + " → " + size);
        }
        byte[] full = labelFull(image);
        return new LabelMap(size, size, vote(full, SIZE / size));
    }

    static byte[] labelFull(RgbImage img) {
        int n = SIZE * SIZE;
        byte[] out = new byte[n];
        boolean[] bg = background(img);
        boolean[] dark = new boolean[n];
        for (int i = 0; i < n; i++) {
            int y = i / SIZE;
            int x = i % SIZE;
            float r = img.get(0, y, x);
            float g = img.get(1, y, x);
            float b = img.get(2, y, x);
            out[i] = (byte) (bg[i] ? FaceClass.BACKGROUND : colourClass(r, g, b, y, x)).ordinal();
            dark[i] = !bg[i] && 0.299 * r + 0.587 * g + 0.114 * b < 0.35;
        }
        labelDarkComponents(dark, out);
        return out;
    }

    private static FaceClass colourClass(float r, float g, float b, int y, int x) {
        boolean upper = y < EYE_LINE * SIZE;
        if (b > r + 0.15f && b > 0.5f) {
            return FaceClass.TEAR;
        }
        if (r > 0.8f && g < 0.5f && b > 0.35f && r - g > 0.4f) {
            return FaceClass.TONGUE;
        }
        if (Math.min(r, Math.min(g, b)) > 0.85f) {
            return upper ? FaceClass.EYE : FaceClass.TEETH;
        }
        if (r > 0.8f && g > 0.55f && b < 0.45f && r >= g) {
            double dx = x - FACE_CX;
            double dy = y - FACE_CY;
            return dx * dx + dy * dy <= FACE_R * FACE_R ? FaceClass.FACE : FaceClass.HAND;
        }
        return FaceClass.OTHER; // dark pixels are relabelled by component below
    }

    /** Near-white pixels reachable from the border through near-white pixels. */
    private static boolean[] background(RgbImage img) {
        boolean[] bg = new boolean[SIZE * SIZE];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int k = 0; k < SIZE; k++) {
            for (int p : new int[]{k, (SIZE - 1) * SIZE + k, k * SIZE, k * SIZE + SIZE - 1}) {
                queue.add(p);
            }
        }
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int y = p / SIZE;
            int x = p % SIZE;
            if (bg[p] || Math.min(img.get(0, y, x), Math.min(img.get(1, y, x), img.get(2, y, x))) < 0.93f) {
                continue;
            }
            bg[p] = true;
            if (x > 0) queue.add(p - 1);
            if (x < SIZE - 1) queue.add(p + 1);
            if (y > 0) queue.add(p - SIZE);
            if (y < SIZE - 1) queue.add(p + SIZE);
        }
        return bg;
    }

    /** 8-connected components of dark pixels: eye, eyebrow (other) or mouth by the component's centroid. */
    private static void labelDarkComponents(boolean[] dark, byte[] out) {
        int[] comp = new int[dark.length];
        java.util.Arrays.fill(comp, -1);
        for (int seed = 0; seed < dark.length; seed++) {
            if (!dark[seed] || comp[seed] >= 0) {
                continue;
            }
            java.util.List<Integer> members = new java.util.ArrayList<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>(java.util.List.of(seed));
            comp[seed] = seed;
            double sumY = 0;
            while (!queue.isEmpty()) {
                int p = queue.poll();
                members.add(p);
                sumY += p / SIZE;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int y = p / SIZE + dy;
                        int x = p % SIZE + dx;
                        int q = y * SIZE + x;
                        if (y >= 0 && y < SIZE && x >= 0 && x < SIZE && dark[q] && comp[q] < 0) {
                            comp[q] = seed;
                            queue.add(q);
                        }
                    }
                }
            }
            double cy = sumY / members.size() / SIZE;
            FaceClass c = cy < BROW_LINE ? FaceClass.OTHER : cy < EYE_LINE ? FaceClass.EYE : FaceClass.MOUTH;
            members.forEach(p -> out[p] = (byte) c.ordinal());
        }
    }

    /** Majority vote over f×f blocks; ties go to the rarer feature class (higher ordinal except OTHER/HAND). */
    static byte[] vote(byte[] full, int f) {
        int size = SIZE / f;
        byte[] out = new byte[size * size];
        int k = FaceClass.values().length;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int[] counts = new int[k];
                for (int dy = 0; dy < f; dy++) {
                    for (int dx = 0; dx < f; dx++) {
                        counts[full[(y * f + dy) * SIZE + x * f + dx]]++;
                    }
                }
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (counts[c] > counts[best] || (counts[c] == counts[best] && priority(c) > priority(best))) {
                        best = c;
                    }
                }
                out[y * size + x] = (byte) best;
            }
        }
        return out;
    }

    private static int priority(int cls) {
        FaceClass c = FaceClass.values()[cls];
        return switch (c) {
            case TEAR, TONGUE, TEETH, EYE -> 4;
            case MOUTH -> 3;
            case HAND, OTHER -> 2;
            case FACE -> 1;
            case BACKGROUND -> 0;
        };
    }
}
