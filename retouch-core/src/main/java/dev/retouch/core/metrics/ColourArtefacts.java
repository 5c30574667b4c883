package dev.retouch.core.metrics;

import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;

/**
 * Colours an edit invented: the share of a region's output pixels whose colour is farther than a threshold
 * (Euclidean RGB distance) from every colour present anywhere in the input. A face edit recolours with the face's
 * own palette; green or red fringes around a yellow face are colours the input never had.
 */
public final class ColourArtefacts {
    /** The threshold of the judges' artefact measure: 60 on the 0–255 scale. */
    public static final double DEFAULT_THRESHOLD = 60 / 255.0;

    private ColourArtefacts() {
    }

    /** Share of {@code region}'s pixels (inside) of {@code output} farther than {@code threshold} from all input colours. */
    public static double share(RgbImage input, RgbImage output, Mask region, double threshold) {
        if (input.width() != output.width() || input.height() != output.height()
                || region.width() != input.width() || region.height() != input.height()) {
            throw new IllegalArgumentException("input " + input.width() + "x" + input.height() + ", output "
                    + output.width() + "x" + output.height() + " and region " + region.width() + "x" + region.height()
                    + " must have one size");
        }
        int n = input.width() * input.height();
        float[] in = input.chw();
        float[] out = output.chw();
        double t2 = threshold * threshold;
        int inside = 0;
        int invented = 0;
        for (int i = 0; i < n; i++) {
            if (!region.inside(i)) {
                continue;
            }
            inside++;
            boolean near = false;
            for (int j = 0; j < n && !near; j++) {
                double dr = out[i] - in[j];
                double dg = out[n + i] - in[n + j];
                double db = out[2 * n + i] - in[2 * n + j];
                near = dr * dr + dg * dg + db * db <= t2;
            }
            invented += near ? 0 : 1;
        }
        return inside == 0 ? 0 : (double) invented / inside;
    }
}
