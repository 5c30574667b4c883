package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.train.Trainer;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** What every {@code retouch train} command shares: the run directory, checkpoints, the seed and --resume. */
final class TrainRun {
    @Option(names = "--out", required = true, description = "Run directory (checkpoint, loss.csv, model/).")
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "250",
            description = "Steps between atomic checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation and training draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from --out/checkpoint.safetensors (exactly: same data order and noise).")
    boolean resume;

    /** Refuses to start over an existing run unless --resume is given; call before any expensive work. */
    void checkFresh() {
        if (!resume && Files.exists(out.resolve(Trainer.CHECKPOINT))) {
            throw new RetouchException(out + " already holds a checkpoint: pass --resume to continue it, or choose "
                    + "another --out");
        }
    }

    /** Resumes the trainer when asked, then runs it to its step count with a progress bar. */
    Trainer.Result run(Trainer trainer, String label, int steps) {
        if (resume) {
            trainer.resume();
            System.err.println("resumed at step " + trainer.step());
        }
        Progress bar = new Progress(label, steps, System.err, System.console() != null, trainer.step());
        return trainer.run(bar);
    }

    Path modelDir() {
        return out.resolve("model");
    }
}
