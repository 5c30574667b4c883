package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Mask;

import java.util.EnumSet;
import java.util.Set;

/**
 * The binary region of interest of an edit (paper 004, §3.2): all pixels whose class, before or after the edit, is
 * one of the edited classes, dilated by a 3×3 kernel three times as a blending buffer (official code). The edited
 * classes are those of the changed pixels, without the canvas classes (background, face), which every edit touches
 * and which would otherwise make the ROI the whole face; if only canvas classes change, they are used.
 */
public final class Roi {
    /** Dilation iterations of the official code. */
    public static final int DILATION = 3;
    private static final Set<FaceClass> CANVAS = EnumSet.of(FaceClass.BACKGROUND, FaceClass.FACE);

    private Roi() {
    }

    /** The edited classes of {@code original → target}; fails when nothing changed. */
    public static Set<FaceClass> editedClasses(LabelMap original, LabelMap target) {
        if (original.width() != target.width() || original.height() != target.height()) {
            throw new RetouchException("edited map is " + target.width() + "x" + target.height()
                    + " but the original is " + original.width() + "x" + original.height());
        }
        Set<FaceClass> changed = EnumSet.noneOf(FaceClass.class);
        byte[] a = original.classes();
        byte[] b = target.classes();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                changed.add(FaceClass.values()[a[i]]);
                changed.add(FaceClass.values()[b[i]]);
            }
        }
        if (changed.isEmpty()) {
            throw new RetouchException("the edited map equals the original: nothing to edit");
        }
        Set<FaceClass> edited = EnumSet.copyOf(changed);
        edited.removeAll(CANVAS);
        return edited.isEmpty() ? changed : edited;
    }

    /** The dilated ROI mask (1 inside). */
    public static Mask of(LabelMap original, LabelMap target) {
        Set<FaceClass> edited = editedClasses(original, target);
        byte[] a = original.classes();
        byte[] b = target.classes();
        float[] m = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            boolean in = edited.contains(FaceClass.values()[a[i]]) || edited.contains(FaceClass.values()[b[i]]);
            m[i] = in ? 1f : 0f;
        }
        return new Mask(original.width(), original.height(), m).dilate(DILATION);
    }
}
