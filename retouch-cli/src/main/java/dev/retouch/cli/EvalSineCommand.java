package dev.retouch.cli;

import dev.retouch.core.progress.Progress;
import dev.retouch.data.Split;
import dev.retouch.edit.sine.SineFinetune;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.eval.sine.SineBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retouch eval sine}: SINE against its baselines on held-out emoji ({@link SineBenchmark}). */
@Command(name = "sine", mixinStandardHelpOptions = true,
        description = "For the first --emojis faces of a held-out split of the emoji (--split, default test): "
                + "fine-tune with and without patches, then edit with fixed prompts. Scores: SSIM and emoji-clip "
                + "image similarity to the source (fidelity), emoji-clip text-image score of the edit prompt "
                + "(alignment), for SINE, SINE with the no-patches model, the fine-tuned model alone, SDEdit at 0.5 "
                + "and 0.8 and the pretrained model alone; whether each SINE variant is above, below or across each "
                + "baseline on the fidelity/alignment plane; sweeps over K and v; outputs at other sizes with and "
                + "without the positional embedding; with --grid, every (K, v) pair on both prompts and the setting "
                + "with the best SSIM at SDEdit 0.5's prompt agreement or better. Models already fine-tuned in "
                + "OUT/models by an earlier run with the same settings are reused.",
        footer = {"", "Examples:", "  bin/retouch eval sine --model emoji-ldm --emojis 3 --out out/eval-sine",
                "  bin/retouch eval sine --split validation --grid --emojis 4 --out out/eval-sine-val",
                "  (choose K and v on the validation split, report the test split)"})
final class EvalSineCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ldm", description = "Pretrained latent diffusion model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--emojis", defaultValue = "3",
            description = "Source faces from the split (default: ${DEFAULT-VALUE}).")
    int emojis;

    @Option(names = "--finetune-steps", paramLabel = "N[/M]", description = "Fine-tune steps: N for both variants, "
            + "or N with patches and M without (default: " + SineFinetune.DEFAULT_STEPS_PATCHES + "/"
            + SineFinetune.DEFAULT_STEPS_NO_PATCHES + ", about 18 min per source on one core; 800/300 were the "
            + "defaults before 2026-12-05).")
    String finetuneSteps;

    @Option(names = "--steps", defaultValue = "25", description = "Sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Guidance scale (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of fine-tuning and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html with the images, models/).")
    Path out;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge; its columns are "
            + "left out with a warning when absent (default: ${DEFAULT-VALUE}).")
    String judgeName;

    @Option(names = "--split", defaultValue = "test", description = "Split the source faces come from: test (the "
            + "reported numbers) or validation (for choosing K and v; default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--grid", description = "Also edit with every (K, v) pair of the sweeps, both prompts, and report "
            + "the pair with the best SSIM at SDEdit 0.5's prompt agreement or better (slower).")
    boolean grid;

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--emojis", emojis, 1, 100);
        CliSupport.requireRange("--steps", steps, 1, 1000);
        CliSupport.requireRange("--guidance", guidance, 0, 100);
        int[] tuneSteps = finetuneSteps(finetuneSteps);
        Split held = CliSupport.heldOutSplit("--split", split, "emoji-ldm was trained on train");
        var config = new SineBenchmark.Config(model, emojis, tuneSteps[0], tuneSteps[1], steps, guidance, seed,
                judgeName, held, grid);
        var result = SineBenchmark.run(Models.store(), EmojiDataset.load(), config, out, label -> Progress.stderr(label, 0),
                System.err::println); // 0: the bar takes each fine-tune's total from its run
        CliSupport.print(common, result.fields());
    }

    /** "N" (both variants) or "N/M" (with patches, without), each in [1, 10⁶]; null: the fine-tune's defaults. */
    static int[] finetuneSteps(String value) {
        if (value == null) {
            return new int[]{SineFinetune.DEFAULT_STEPS_PATCHES, SineFinetune.DEFAULT_STEPS_NO_PATCHES};
        }
        String[] parts = value.split("/", -1);
        int[] n = new int[2];
        try {
            if (parts.length > 2) {
                throw new NumberFormatException();
            }
            n[0] = Integer.parseInt(parts[0].trim());
            n[1] = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : n[0];
        } catch (NumberFormatException e) {
            throw new CliSupport.UsageError("--finetune-steps must be N or N/M (steps with patches/without), got '"
                    + value + "'");
        }
        CliSupport.requireRange("--finetune-steps", n[0], 1, 1_000_000);
        CliSupport.requireRange("--finetune-steps (without patches)", n[1], 1, 1_000_000);
        return n;
    }
}
