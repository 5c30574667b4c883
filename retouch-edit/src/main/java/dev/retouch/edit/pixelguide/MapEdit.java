package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;

import java.util.List;

/**
 * Edits of a label map given as operations, applied in order, so that no paint program is needed:
 * <ul>
 *   <li>{@code replace FROM TO}: every FROM pixel becomes TO;</li>
 *   <li>{@code paint CLASS x0,y0,x1,y1}: the box between the two corners (inclusive);</li>
 *   <li>{@code ellipse CLASS cx,cy,rx,ry}: the filled ellipse;</li>
 *   <li>{@code move CLASS dx,dy}: CLASS shifted by (dx, dy); vacated pixels take the class that most often borders
 *       the CLASS region (its surroundings).</li>
 * </ul>
 * Coordinates are pixels of the map (x right, y down); shapes are clipped to the map.
 */
public final class MapEdit {
    private MapEdit() {
    }

    /** Applies every operation in order to a copy of {@code map}. */
    public static LabelMap apply(LabelMap map, List<String> ops) {
        byte[] c = map.classes().clone();
        for (String op : ops) {
            applyOne(c, map.width(), map.height(), op.trim());
        }
        return new LabelMap(map.width(), map.height(), c);
    }

    private static void applyOne(byte[] c, int w, int h, String op) {
        String[] p = op.split("\\s+");
        if (p.length != 3) {
            throw bad(op, "expected 3 words");
        }
        switch (p[0]) {
            case "replace" -> replace(c, FaceClass.named(p[1]), FaceClass.named(p[2]));
            case "paint" -> {
                int[] v = ints(op, p[2], 4);
                fill(c, w, h, FaceClass.named(p[1]), (x, y) -> x >= Math.min(v[0], v[2]) && x <= Math.max(v[0], v[2])
                        && y >= Math.min(v[1], v[3]) && y <= Math.max(v[1], v[3]));
            }
            case "ellipse" -> {
                int[] v = ints(op, p[2], 4);
                if (v[2] <= 0 || v[3] <= 0) {
                    throw bad(op, "radii must be positive");
                }
                fill(c, w, h, FaceClass.named(p[1]), (x, y) -> sq((x - v[0]) / (double) v[2]) + sq((y - v[1]) / (double) v[3]) <= 1);
            }
            case "move" -> {
                int[] v = ints(op, p[2], 2);
                move(c, w, h, FaceClass.named(p[1]), v[0], v[1]);
            }
            default -> throw bad(op, "unknown operation '" + p[0] + "'; expected replace, paint, ellipse or move");
        }
    }

    private interface Shape {
        boolean contains(int x, int y);
    }

    private static void fill(byte[] c, int w, int h, FaceClass cls, Shape s) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (s.contains(x, y)) {
                    c[y * w + x] = (byte) cls.ordinal();
                }
            }
        }
    }

    private static void replace(byte[] c, FaceClass from, FaceClass to) {
        for (int i = 0; i < c.length; i++) {
            if (c[i] == from.ordinal()) {
                c[i] = (byte) to.ordinal();
            }
        }
    }

    private static void move(byte[] c, int w, int h, FaceClass cls, int dx, int dy) {
        byte k = (byte) cls.ordinal();
        byte fillWith = (byte) surrounding(c, w, h, k);
        byte[] before = c.clone();
        for (int i = 0; i < c.length; i++) {
            if (before[i] == k) {
                c[i] = fillWith;
            }
        }
        for (int i = 0; i < c.length; i++) {
            int x = i % w + dx;
            int y = i / w + dy;
            if (before[i] == k && x >= 0 && x < w && y >= 0 && y < h) {
                c[y * w + x] = k;
            }
        }
    }

    /** The most frequent class among the 4-neighbours of class k that are not k (face when k has none). */
    static int surrounding(byte[] c, int w, int h, byte k) {
        int[] counts = new int[FaceClass.values().length];
        int[][] d = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        for (int i = 0; i < c.length; i++) {
            if (c[i] != k) {
                continue;
            }
            for (int[] o : d) {
                int x = i % w + o[0];
                int y = i / w + o[1];
                if (x >= 0 && x < w && y >= 0 && y < h && c[y * w + x] != k) {
                    counts[c[y * w + x]]++;
                }
            }
        }
        int best = FaceClass.FACE.ordinal();
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] > counts[best]) {
                best = j;
            }
        }
        return best;
    }

    private static int[] ints(String op, String csv, int n) {
        String[] parts = csv.split(",");
        if (parts.length != n) {
            throw bad(op, "expected " + n + " comma-separated integers, found '" + csv + "'");
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw bad(op, "'" + parts[i] + "' is not an integer");
            }
        }
        return v;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static RetouchException bad(String op, String why) {
        return new RetouchException("map operation '" + op + "': " + why);
    }
}
