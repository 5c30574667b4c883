package dev.retouch.core.nn;

import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Threads;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retouch's own module tree (deliberately not a subclass of bytedeco's {@code Module}): named children,
 * parameters and buffers held as bytedeco tensors. Names compose with dots ({@code down_blocks.0.resnets.1.conv1.weight})
 * so state dicts match diffusers / transformers checkpoints. Layers read their tensors from fields; {@link #to}
 * swaps the data underneath ({@code set_data}) so those fields stay valid.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Applies the library's compute-thread default before the first model exists ({@link Threads}). */
    protected Module() {
        Threads.ensureConfigured();
    }

    /** Registers a trainable parameter (requires grad) and returns it; it outlives any open pointer scope. */
    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        value.set_requires_grad(true);
        parameters.put(name, Tensors.keep(value));
        return value;
    }

    /** Registers a non-trainable tensor that is saved in the state dict. */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, Tensors.keep(value));
        return value;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || buffers.containsKey(name)
                || children.containsKey(name)) {
            throw new IllegalArgumentException("bad or duplicate module entry name '" + name + "'");
        }
    }

    /** Re-initialises this module's own parameters from {@code gen}; layers override. Children are not visited. */
    protected void resetParameters(Generator gen) {
    }

    /** Initialises every parameter in the tree, in registration order, from one seeded generator. */
    public final Module initialize(Generator gen) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            resetParameters(gen);
            for (Module m : children.values()) {
                m.initialize(gen);
            }
            finishInitialization();
        }
        return this;
    }

    /**
     * Runs after this module's children are initialised, for initialisations that override a child's default
     * (e.g. an output layer set to zero, as DiT's adaLN-Zero). Must not draw random numbers. Does nothing by default.
     */
    protected void finishInitialization() {
    }

    /** Sets every parameter of {@code module} (and its children) to zero; for {@link #finishInitialization}. */
    protected static void zeroParameters(Module module) {
        module.namedParameters().values().forEach(Init::zeros);
    }

    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Every parameter in the tree with its dotted name, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final long parameterCount() {
        return namedParameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    /** Parameters and buffers of the whole tree by dotted name (the live tensors, not copies). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) {
            parameters.forEach((k, v) -> out.put(prefix + k, v));
        }
        if (bufs) {
            buffers.forEach((k, v) -> out.put(prefix + k, v));
        }
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, params, bufs));
    }

    /**
     * Copies {@code state} into this module's tensors (converting dtype). With {@code strict}, any missing or
     * unexpected key fails; a shape mismatch or a non-finite value always fails. The error names every offending key.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        for (String k : own.keySet()) {
            if (!state.containsKey(k) && strict) {
                problems.add("missing: " + k);
            }
        }
        for (var e : state.entrySet()) {
            Tensor target = own.get(e.getKey());
            if (target == null) {
                if (strict) {
                    problems.add("unexpected: " + e.getKey());
                }
            } else if (!Arrays.equals(Tensors.shape(target), Tensors.shape(e.getValue()))) {
                problems.add("shape mismatch: " + e.getKey() + " expected " + Tensors.shapeString(target)
                        + " found " + Tensors.shapeString(e.getValue()));
            } else if (e.getValue().is_floating_point() && !Tensors.allFinite(e.getValue())) {
                problems.add("non-finite values (NaN or infinity): " + e.getKey());
            }
        }
        if (!problems.isEmpty()) {
            throw new RetouchException("state dict does not match " + getClass().getSimpleName() + " ("
                    + problems.size() + " problem(s)): " + String.join("; ", problems));
        }
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (var e : state.entrySet()) {
                Tensor target = own.get(e.getKey());
                if (target != null) {
                    target.copy_(e.getValue());
                }
            }
        }
    }

    /** Training mode for this module and every child (affects dropout and batch norm). */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(m -> m.train(on));
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Moves/casts every parameter and buffer in place (tensor identity is kept, the data is replaced). */
    public final Module to(Device device, torch.ScalarType dtype) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Tensor t : stateDict().values()) {
                torch.ScalarType target = t.is_floating_point() ? dtype : t.scalar_type();
                t.__dispatch_set_data(t.to(device, target));
            }
        }
        return this;
    }
}
