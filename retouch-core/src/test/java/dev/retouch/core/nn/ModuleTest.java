package dev.retouch.core.nn;

import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module tree contract: dotted names, strict/non-strict loading, init, dtype moves, modes, counts. */
class ModuleTest {

    /** fc (Linear) followed by a GroupNorm, as a reusable child. */
    static final class Block extends Module {
        final Linear fc;
        final GroupNorm norm;

        Block(int in, int out) {
            fc = child("fc", new Linear(in, out));
            norm = child("norm", new GroupNorm(1, out, 1e-5));
        }
    }

    /** A parameter, an int64 buffer, a conv, a list of two blocks and a dropout. */
    static final class Net extends Module {
        final Conv2d conv;
        final ModuleList<Block> blocks;
        final Dropout drop;

        Net() {
            parameter("gain", torch.ones(2));
            buffer("counter", Tensor.create(new long[]{3}, 1));
            conv = child("conv", new Conv2d(1, 2, 3, 1, 1));
            blocks = child("blocks", new ModuleList<Block>()).add(new Block(2, 4)).add(new Block(4, 2));
            drop = child("drop", new Dropout(0.5));
        }
    }

    private static final List<String> KEYS = List.of("gain", "counter", "conv.weight", "conv.bias",
            "blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.norm.weight", "blocks.0.norm.bias",
            "blocks.1.fc.weight", "blocks.1.fc.bias", "blocks.1.norm.weight", "blocks.1.norm.bias");

    /** Deep copies of a module's state (so edits to them cannot touch the module). */
    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, t.detach().clone()));
        return out;
    }

    private static Net initialized(long seed) {
        Net net = new Net();
        net.initialize(Tensors.generator(seed));
        return net;
    }

    @Test
    void stateDictUsesDottedNamesInRegistrationOrder() {
        Net net = new Net();
        assertEquals(KEYS, new ArrayList<>(net.stateDict().keySet()));
        List<String> params = new ArrayList<>(KEYS);
        params.remove("counter");
        assertEquals(params, new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(params.size(), net.parameters().size());
        assertArrayEquals(new long[]{4, 2}, Tensors.shape(net.stateDict().get("blocks.0.fc.weight")));
        assertArrayEquals(new long[]{2, 1, 3, 3}, Tensors.shape(net.stateDict().get("conv.weight")));
        assertEquals(List.of("conv", "blocks", "drop"), new ArrayList<>(net.children().keySet()));
    }

    @Test
    void parameterCountSumsEveryParameterButNotBuffers() {
        // gain 2 + conv 2·1·3·3+2 + fc0 4·2+4 + norm0 4+4 + fc1 2·4+2 + norm1 2+2
        assertEquals(2 + 20 + 12 + 8 + 10 + 4, new Net().parameterCount());
        assertEquals(3 * 5 + 5, new Linear(3, 5).parameterCount());
        assertEquals(3 * 5, new Linear(3, 5, false).parameterCount());
    }

    @Test
    void badEntryNamesAreRejected() {
        class Dotted extends Module {
            Dotted() {
                parameter("a.b", torch.zeros(1));
            }
        }
        class Duplicate extends Module {
            Duplicate() {
                parameter("w", torch.zeros(1));
                child("w", new Linear(1, 1));
            }
        }
        assertThrows(IllegalArgumentException.class, Dotted::new);
        assertThrows(IllegalArgumentException.class, Duplicate::new);
    }

    @Test
    void strictLoadNamesEveryMissingUnexpectedAndMisshapedKeyAndChangesNothing() {
        Net net = initialized(1);
        float[] convBefore = Tensors.toFloats(net.conv.weight());
        Map<String, Tensor> state = copy(net.stateDict());
        state.replaceAll((k, t) -> t.is_floating_point() ? t.add(Tensors.s(7)) : t);
        state.remove("conv.bias");
        state.remove("blocks.1.norm.weight");
        state.put("extra.weight", torch.zeros(1));
        state.put("blocks.7.fc.bias", torch.zeros(2));
        state.put("blocks.0.fc.weight", torch.zeros(3, 2));
        state.put("gain", torch.zeros(2, 1));

        RetouchException e = assertThrows(RetouchException.class, () -> net.loadStateDict(state, true));
        String m = e.getMessage();
        for (String expected : List.of("missing: conv.bias", "missing: blocks.1.norm.weight",
                "unexpected: extra.weight", "unexpected: blocks.7.fc.bias",
                "shape mismatch: blocks.0.fc.weight expected [4, 2] found [3, 2]",
                "shape mismatch: gain expected [2] found [2, 1]", "6 problem(s)")) {
            assertTrue(m.contains(expected), () -> "message lacks '" + expected + "': " + m);
        }
        // all-or-nothing: the valid keys were not copied either
        assertArrayEquals(convBefore, Tensors.toFloats(net.conv.weight()));
    }

    @Test
    void nonStrictIgnoresMissingAndUnexpectedButLoadsTheRest() {
        Net net = initialized(1);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("conv.weight", torch.full(new long[]{2, 1, 3, 3}, Tensors.s(0.25)));
        state.put("not.a.key", torch.zeros(5));
        float[] fcBefore = Tensors.toFloats(net.blocks.get(0).fc.weight());
        net.loadStateDict(state, false);
        for (float v : Tensors.toFloats(net.conv.weight())) {
            assertEquals(0.25f, v);
        }
        assertArrayEquals(fcBefore, Tensors.toFloats(net.blocks.get(0).fc.weight()));
        assertThrows(RetouchException.class, () -> net.loadStateDict(state, true));
    }

    @Test
    void nonStrictStillRejectsShapeMismatches() {
        Net net = new Net();
        Map<String, Tensor> state = Map.of("blocks.1.fc.bias", torch.zeros(3));
        RetouchException e = assertThrows(RetouchException.class, () -> net.loadStateDict(state, false));
        assertTrue(e.getMessage().contains("blocks.1.fc.bias expected [2] found [3]"), e.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRejectedWithTheirKeys() {
        Net net = initialized(1);
        Map<String, Tensor> state = copy(net.stateDict());
        state.put("blocks.0.fc.bias", Tensors.of(new float[]{0, Float.NaN, 0, 0}, 4));
        state.put("conv.bias", Tensors.of(new float[]{Float.POSITIVE_INFINITY, 1}, 2));
        state.put("gain", Tensors.of(new float[]{1, Float.NEGATIVE_INFINITY}, 2));
        RetouchException e = assertThrows(RetouchException.class, () -> net.loadStateDict(state, true));
        String m = e.getMessage();
        assertTrue(m.contains("non-finite values (NaN or infinity): blocks.0.fc.bias"), m);
        assertTrue(m.contains("non-finite values (NaN or infinity): conv.bias"), m);
        assertTrue(m.contains("non-finite values (NaN or infinity): gain"), m);
        assertTrue(m.contains("3 problem(s)"), m);
        assertFalse(m.contains("conv.weight"), m);
    }

    @Test
    void loadCopiesValuesAndConvertsFromFloat16() {
        Net net = new Net();
        Map<String, Tensor> half = new LinkedHashMap<>();
        Map<String, float[]> expected = new LinkedHashMap<>();
        int[] counter = {0};
        net.stateDict().forEach((k, t) -> {
            if (!t.is_floating_point()) {
                half.put(k, Tensor.create(new long[]{42}, 1));
                return;
            }
            float[] v = new float[(int) t.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (counter[0]++ % 64 - 32) * 0.125f; // exactly representable in float16
            }
            expected.put(k, v);
            half.put(k, Tensors.of(v, Tensors.shape(t)).to(torch.ScalarType.Half));
        });
        net.loadStateDict(half, true);
        Map<String, Tensor> own = net.stateDict();
        expected.forEach((k, v) -> {
            assertArrayEquals(v, Tensors.toFloats(own.get(k)), k);
            assertEquals(torch.ScalarType.Float, Tensors.dtype(own.get(k)), k);
        });
        assertEquals(42L, own.get("counter").item_long());
        // a copy, not an alias: editing the source afterwards leaves the module alone
        half.get("conv.weight").fill_(Tensors.s(9));
        assertArrayEquals(expected.get("conv.weight"), Tensors.toFloats(net.conv.weight()));
    }

    @Test
    void initializeIsDeterministicPerSeed() {
        Map<String, Tensor> a = initialized(5).stateDict();
        Map<String, Tensor> b = initialized(5).stateDict();
        Map<String, Tensor> c = initialized(6).stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(Tensors.toFloats(a.get(k)), Tensors.toFloats(b.get(k)), k);
        }
        for (String k : List.of("conv.weight", "conv.bias", "blocks.0.fc.weight", "blocks.1.fc.weight")) {
            assertFalse(java.util.Arrays.equals(Tensors.toFloats(a.get(k)), Tensors.toFloats(c.get(k))), k);
            assertTrue(Tensors.toFloats(a.get(k).abs().max())[0] > 0, k + " still zero after initialize");
        }
        // norms initialise to the identity transform
        for (float v : Tensors.toFloats(a.get("blocks.0.norm.weight"))) {
            assertEquals(1f, v);
        }
    }

    @Test
    void toHalfKeepsTensorIdentityAndLayersKeepWorking() {
        Net net = initialized(3);
        Map<String, Tensor> before = net.stateDict();
        Tensor x = Tensors.randn(Tensors.generator(1), 5, 2);
        Linear fc = net.blocks.get(0).fc;
        float[] yFloat = Tensors.toFloats(fc.forward(x));
        float[] w = Tensors.toFloats(fc.weight());

        net.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Half);

        Map<String, Tensor> after = net.stateDict();
        for (String k : KEYS) {
            assertSame(before.get(k), after.get(k), k);
        }
        assertSame(before.get("blocks.0.fc.weight"), fc.weight());
        assertEquals(torch.ScalarType.Half, Tensors.dtype(fc.weight()));
        assertEquals(torch.ScalarType.Half, Tensors.dtype(after.get("blocks.0.norm.bias")));
        assertEquals(torch.ScalarType.Long, Tensors.dtype(after.get("counter")));
        assertTrue(after.get("conv.weight").requires_grad(), "parameters still require grad");

        Tensor yHalf = fc.forward(x.to(torch.ScalarType.Half));
        assertEquals(torch.ScalarType.Half, Tensors.dtype(yHalf));
        float[] yh = Tensors.toFloats(yHalf);
        for (int i = 0; i < yh.length; i++) {
            assertEquals(yFloat[i], yh[i], 2e-2, "half linear output " + i);
        }
        float[] wHalf = Tensors.toFloats(fc.weight());
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], wHalf[i], Math.abs(w[i]) * 1e-3 + 1e-7);
        }

        net.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Float);
        assertSame(before.get("blocks.0.fc.weight"), fc.weight());
        assertEquals(torch.ScalarType.Float, Tensors.dtype(fc.weight()));
        assertArrayEquals(wHalf, Tensors.toFloats(fc.weight()));
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Net net = new Net();
        List<Module> all = new ArrayList<>();
        collect(net, all);
        assertEquals(1 + 1 + 1 + 2 * 3 + 1, all.size()); // net, conv, blocks list, 2×(block, fc, norm), drop
        assertTrue(all.stream().allMatch(Module::isTraining));
        net.eval();
        assertTrue(all.stream().noneMatch(Module::isTraining));
        Tensor x = torch.ones(1000);
        assertArrayEquals(Tensors.toFloats(x), Tensors.toFloats(net.drop.forward(x)));
        net.train(true);
        assertTrue(all.stream().allMatch(Module::isTraining));
        float[] dropped = Tensors.toFloats(net.drop.forward(x));
        long zeros = 0;
        for (float v : dropped) {
            assertTrue(v == 0f || v == 2f, "dropout keeps x/(1−p): " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertTrue(zeros > 400 && zeros < 600, "about half dropped, got " + zeros);
    }

    private static void collect(Module m, List<Module> out) {
        out.add(m);
        m.children().values().forEach(c -> collect(c, out));
    }
}
