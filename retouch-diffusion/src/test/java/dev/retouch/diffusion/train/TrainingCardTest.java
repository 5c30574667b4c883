package dev.retouch.diffusion.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingCardTest {
    @Test
    void longCommandsWrapBeforeOptionsAndPasteBackToTheSameCommand() {
        String cmd = "bin/retouch train ldm --vae models/emoji-vae --clip models/emoji-clip --steps 5500 --batch 32 "
                + "--lr 2.0E-4 --caption-dropout 0.1 --limit 0 --seed 1 --checkpoint-every 250 --prediction v "
                + "--init-from models/emoji-ldm --out /work/runs/a-run-directory-with-a-long-name";
        String card = TrainingCard.command(cmd);
        assertTrue(card.startsWith("Command (reproduces this run with the same seed on the same machine):\n\n    "
                + "bin/retouch train ldm --vae models/emoji-vae"), card);
        List<String> lines = Arrays.asList(card.split("\n")).subList(2, card.split("\n").length);
        assertTrue(lines.size() >= 3, card);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            assertTrue(l.length() <= TrainingCard.WIDTH, l);
            assertTrue(l.startsWith(i == 0 ? "    bin/" : "        --"), l); // continuation lines start with an option
            assertEquals(i < lines.size() - 1, l.endsWith(" \\"), l);
        }
        // the shell sees one command: strip the indentation and the continuations
        String pasted = String.join(" ", lines.stream().map(l -> l.strip().replaceAll(" \\\\$", "")).toList());
        assertEquals(cmd, pasted);
        assertEquals("Command (reproduces this run with the same seed on the same machine):\n\n"
                + "    bin/retouch train ddpm --steps 5 --out x\n", TrainingCard.command("bin/retouch train ddpm --steps 5 --out x"));
    }

    @Test
    void runLineNamesStepsTimeAndOptimiser() {
        TrainConfig tc = new TrainConfig(9000, 32, 2e-4, 200, 0.0, 1.0, 0.999, 250, 1);
        double[] loss = new double[200];
        Arrays.fill(loss, 0, 100, 1.0);
        Arrays.fill(loss, 100, 200, 0.25);
        String hours = TrainingCard.run(new Trainer.Result(9000, 0.25, 5400, true), tc, 5400, loss);
        assertEquals("Steps: 9000; wall time: 5400 s (1.5 h) on this machine, batch 32, AdamW lr 2.0E-4 with 200 warm-up "
                + "steps, gradient clipping at 1.0. Mean of the last 100 losses: 0.2500.\n", hours);
        TrainConfig decay = new TrainConfig(10, 8, 1e-3, 0, 0.05, 0.0, 0.0, 250, 0);
        String minutes = TrainingCard.run(new Trainer.Result(10, 1, 90, true), decay, 90, new double[]{2, 4});
        assertEquals("Steps: 10; wall time: 90 s (1.5 min) on this machine, batch 8, AdamW lr 0.001 with 0 warm-up "
                + "steps, weight decay 0.05. Mean of the last 100 losses: 3.0000.\n", minutes);
    }

    @Test
    void lossCurveHasItsHeaderAndTable() {
        double[] loss = new double[20];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = i < 10 ? 1 : 0.5;
        }
        String curve = TrainingCard.lossCurve("loss", loss);
        assertTrue(curve.startsWith("Loss curve (mean loss per window, from `loss.csv`):\n\n| steps | mean loss |"), curve);
        assertTrue(curve.contains("| 1–2 | 1.0000 |") && curve.contains("| 19–20 | 0.5000 |"), curve);
    }
}
