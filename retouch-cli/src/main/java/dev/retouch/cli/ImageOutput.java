package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.edit.EditRequest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a command that writes one picture records and prints, in one place: the parameters go into the PNG's text
 * chunks and the printed row, the measurements only into the row. The row is printed as {@code out}, then what was
 * added in the order it was added, then {@code seconds}.
 */
final class ImageOutput {
    private final String command;
    private final Path out;
    private final Map<String, Object> png = new LinkedHashMap<>();
    private final Map<String, Object> row = new LinkedHashMap<>();

    private ImageOutput(String command, Path out) {
        this.command = command;
        this.out = out;
        row.put("out", out.toString());
    }

    /** The output of {@code command} (as the PNG's {@code retouch.command} chunk names it) written to {@code out}. */
    static ImageOutput of(String command, Path out) {
        return new ImageOutput(command, out);
    }

    /** A parameter: written into the PNG and printed. */
    ImageOutput param(String key, Object value) {
        png.put(key, value);
        row.put(key, value);
        return this;
    }

    /** Every option of an editor's request, under the names the CLI and the HTTP API give them. */
    ImageOutput params(EditRequest request) {
        request.parameters().forEach(this::param);
        return this;
    }

    /** A parameter recorded in the PNG only (the printed row leaves it out). */
    ImageOutput pngOnly(String key, Object value) {
        png.put(key, value);
        return this;
    }

    /** A measurement of the result: printed, not written into the PNG. */
    ImageOutput measure(String key, Object value) {
        row.put(key, value);
        return this;
    }

    /** PSNR and SSIM (null below SSIM's 11-pixel window) of the result against its input. */
    ImageOutput fidelity(RgbImage input, RgbImage result) {
        return measure("psnr", Metrics.psnr(input, result, 1.0)).measure("ssim", CliSupport.ssimOrNull(input, result));
    }

    /** Writes the picture with its parameters as text chunks. */
    ImageOutput write(RgbImage image) {
        CliSupport.writePng(out, image, command, png);
        return this;
    }

    /** Prints the row, ending with the run's seconds. */
    void print(Common common, double seconds) {
        row.put("seconds", seconds);
        CliSupport.print(common, row);
    }
}
