package dev.retouch.cli;

import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch eval judge}: the judge's own quality on data it never trained on. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Measure emoji-judge on data it never trained on: subcategory top-1/top-5 on the TEST split, "
                + "face-part mean IoU on the held-out labelled faces (VALIDATION + TEST), and the judge-FD between "
                + "TRAIN and TEST images (the floor for generated images). Writes OUT/report.json.",
        footer = {"", "Example:", "  bin/retouch eval judge --out out/eval-judge"})
final class EvalJudgeCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-judge", description = "Judge model directory or shipped name "
            + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--out", required = true, description = "Output directory (report.json).")
    Path out;

    @Override
    public void run() {
        common.apply();
        EmojiJudge judge = EmojiJudge.load(Models.resolve(model));
        JudgeReport rep = JudgeReport.measure(judge, EmojiDataset.load(), CliSupport::warn);
        Map<String, Object> res = new LinkedHashMap<>(fields(rep));
        res.put("model", Models.resolve(model).toString());
        CliSupport.mkdirs(out);
        dev.retouch.core.io.Json.write(out.resolve("report.json"), res);
        CliSupport.print(common, res);
    }

    static Map<String, Object> fields(JudgeReport rep) {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("test_images", rep.testImages());
        res.put("test_top1", rep.top1());
        res.put("test_top5", rep.top5());
        res.put("test_unknown_subcategory", rep.testUnknown());
        res.put("held_out_faces", rep.heldOutFaces());
        res.put("face_mean_iou", rep.faceMeanIou());
        res.put("face_mean_iou_present_classes", rep.faceMeanIouPresent());
        Map<String, Object> perClass = new LinkedHashMap<>();
        dev.retouch.edit.pixelguide.FaceClass[] names = dev.retouch.edit.pixelguide.FaceClass.values();
        for (int c = 0; c < rep.faceClassIou().length; c++) {
            double v = rep.faceClassIou()[c];
            perClass.put(c < names.length ? names[c].label() : "class " + c, Double.isNaN(v) ? "absent"
                    : rep.faceClassPresent()[c] ? v : "absent from the labels (" + v + ")");
        }
        res.put("face_class_iou", perClass);
        res.put("train_test_judge_fd", rep.trainTestFd());
        return res;
    }
}
