package dev.retouch.eval.report;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small self-contained HTML report: sections of text, parameter tables and rows of captioned images. Images are
 * written as PNG files next to {@code index.html} and shown pixelated at a readable scale.
 */
public final class HtmlReport {
    private final Path dir;
    private final String title;
    private final StringBuilder body = new StringBuilder();
    private int imageCount;
    private java.util.function.Function<RgbImage, String> annotator;
    private dev.retouch.eval.judge.JudgeView judge;
    private final java.util.Set<RgbImage> unjudged = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public HtmlReport(Path dir, String title) {
        this.dir = dir;
        this.title = title;
    }

    /** Every image added from now on gets {@code annotator}'s text under its caption. */
    public HtmlReport annotate(java.util.function.Function<RgbImage, String> annotator) {
        this.annotator = annotator;
        return this;
    }

    /** Every image added from now on carries the judge's top-1 label; sections may ask for more ({@link #judge()}). */
    public HtmlReport judge(dev.retouch.eval.judge.JudgeView view) {
        this.judge = view;
        return annotate(view::label);
    }

    /** Marks a panel that is not a picture (a label map, a mask, a noise tensor): it gets no annotation. */
    public RgbImage plain(RgbImage panel) {
        unjudged.add(panel);
        return panel;
    }

    /** The evaluation-only judge of this report, or null when there is none. */
    public dev.retouch.eval.judge.JudgeView judge() {
        return judge;
    }

    public HtmlReport section(String heading, String text) {
        body.append("<h2>").append(esc(heading)).append("</h2>\n");
        if (text != null && !text.isEmpty()) {
            body.append("<p>").append(esc(text)).append("</p>\n");
        }
        return this;
    }

    public HtmlReport table(List<String> header, List<List<Object>> rows) {
        body.append("<table><tr>");
        header.forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<Object> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append("<td>").append(esc(c instanceof Double d ? fmt(d) : String.valueOf(c))).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    public HtmlReport params(Map<String, ?> params) {
        List<List<Object>> rows = new ArrayList<>();
        params.forEach((k, v) -> rows.add(List.of(k, v)));
        return table(List.of("parameter", "value"), rows);
    }

    /** One row of images with captions; each image is saved as a PNG in the report directory. */
    public HtmlReport images(List<RgbImage> images, List<String> captions, int scale) {
        body.append("<div class=row>");
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            String file = String.format("img%03d.png", imageCount++);
            Images.writePng(dir.resolve(file), img, Map.of("Software", "retouch 0.1.0"));
            body.append("<figure><img src=\"").append(file).append("\" width=").append(img.width() * scale)
                    .append(" height=").append(img.height() * scale).append("><figcaption>")
                    .append(esc(captions.get(i)));
            if (annotator != null && !unjudged.contains(img)) {
                body.append("<br><i>").append(esc(annotator.apply(img))).append("</i>");
            }
            body.append("</figcaption></figure>");
        }
        body.append("</div>\n");
        return this;
    }

    public void write() {
        String html = "<!doctype html>\n<html><head><meta charset=utf-8><title>" + esc(title) + "</title>\n<style>"
                + "body{font-family:sans-serif;margin:2em;max-width:1100px}img{image-rendering:pixelated;"
                + "border:1px solid #ccc}figure{display:inline-block;margin:4px;text-align:center;font-size:12px}"
                + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "font-size:13px}.row{margin:6px 0}</style></head><body>\n<h1>" + esc(title) + "</h1>\n" + body
                + "</body></html>\n";
        AtomicFiles.writeString(dir.resolve("index.html"), html);
        removeStaleImages();
    }

    /**
     * Deletes the images an earlier, larger report left in the directory under this report's own naming
     * ({@code imgNNN.png} numbered at or beyond what this one wrote); other files are never touched.
     */
    private void removeStaleImages() {
        java.util.regex.Pattern own = java.util.regex.Pattern.compile("img(\\d{3,})\\.png");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                java.util.regex.Matcher m = own.matcher(f.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) >= imageCount) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        } catch (java.io.IOException e) {
            throw new dev.retouch.core.RetouchException("cannot tidy the report directory " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The text escaped for HTML. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A number as the report tables print it: 4 decimals, "inf" for infinities. */
    public static String fmt(double v) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
