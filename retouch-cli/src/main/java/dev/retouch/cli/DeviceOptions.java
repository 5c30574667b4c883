package dev.retouch.cli;

import dev.retouch.core.engine.Placement;
import dev.retouch.edit.ModelStore;
import picocli.CommandLine.Option;

/** Where the text-to-image networks run: {@code --device} and {@code --precision}. */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda|cuda:N",
            description = "Where the networks run: auto = CUDA when these natives have it and a GPU is visible, "
                    + "else the CPU (default: ${DEFAULT-VALUE}). CUDA needs the GPU build (mvn -Pgpu, see README).")
    String device;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "auto|fp32|fp16|bf16",
            description = "The networks' precision: auto = fp16 on CUDA, fp32 on the CPU (the only one allowed "
                    + "there) (default: ${DEFAULT-VALUE}). Latents stay float32 either way.")
    String precision;

    private Placement resolved;

    /** The placement asked for (a usage error when CUDA is asked for and missing). */
    Placement placement() {
        if (resolved == null) {
            resolved = Placement.resolve(device, precision);
        }
        return resolved;
    }

    /** The shipped-model store, loading its text-to-image models onto {@link #placement()}. */
    ModelStore store() {
        return Models.store().placedOn(placement());
    }

    /** Adds the placement to a result's parameters when it is not the default CPU float32. */
    ImageOutput record(ImageOutput out) {
        Placement p = placement();
        return p.equals(Placement.CPU) ? out : out.param("device", p.label());
    }
}
