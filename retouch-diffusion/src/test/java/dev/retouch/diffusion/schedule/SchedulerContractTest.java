package dev.retouch.diffusion.schedule;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one contract every {@link Scheduler} passes (DESIGN §3.10), for every scheduler × prediction type: monotone
 * timesteps in range, defensive copies, shapes, exact x₀ from an oracle model output, run-order checks, separate
 * per-run states (interleaved = sequential, also on two threads) and seeded reproducibility.
 */
class SchedulerContractTest {
    private static final int T = 1000;
    /** A respaced 10-step run: 900, 800, …, 0. */
    private static final int[] LIST = Timesteps.spaced(10, T, TimestepSpacing.LEADING);
    private static final long[] SHAPE = {2, 3, 4, 4};

    /** A 10-step run over Karras noise levels: 999, 937, …, 18, 0. */
    private static final int[] KARRAS = Timesteps.karras(schedule(PredictionType.EPSILON), 10);

    /**
     * A scheduler under test; {@code make} builds it for a schedule with the wanted prediction type, and
     * {@code expected} is the timestep list it must visit.
     */
    record Case(String name, boolean inverse, boolean stochastic, int[] expected,
                Function<NoiseSchedule, Scheduler> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("DDPM fixed-small", false, true, LIST, s -> new DDPMScheduler(s, LIST, VarianceType.FIXED_SMALL)),
            new Case("DDPM fixed-large", false, true, LIST, s -> new DDPMScheduler(s, LIST, VarianceType.FIXED_LARGE)),
            new Case("DDIM eta=0", false, false, LIST, s -> new DDIMScheduler(s, LIST, 0.0)),
            new Case("DDIM eta=1", false, true, LIST, s -> new DDIMScheduler(s, LIST, 1.0)),
            new Case("DDIM inverse", true, false, Timesteps.reversed(LIST), s -> new DDIMInverseScheduler(s, LIST)),
            new Case("Euler", false, false, LIST, s -> new EulerScheduler(s, LIST)),
            new Case("Euler Karras", false, false, KARRAS, s -> EulerScheduler.of(s, 10, true)),
            new Case("DPM-Solver++(2M)", false, false, LIST, s -> new DPMSolverMultistepScheduler(s, LIST, true)),
            new Case("DPM-Solver++(2M) no lower-order final", false, false, LIST,
                    s -> new DPMSolverMultistepScheduler(s, LIST, false)),
            new Case("DPM-Solver++(2M) Karras", false, false, KARRAS,
                    s -> DPMSolverMultistepScheduler.of(s, 10, true)),
            new Case("UniPC", false, false, LIST, s -> UniPCMultistepScheduler.of(s, 10)),
            new Case("UniPC no lower-order final", false, false, LIST,
                    s -> new UniPCMultistepScheduler(s, LIST, false)));

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    /** Every scheduler × prediction type it accepts (DDIM inversion accepts ε- and v-prediction). */
    static Stream<Arguments> all() {
        return CASES.stream().flatMap(c -> Arrays.stream(PredictionType.values())
                .filter(p -> !c.inverse() || p != PredictionType.SAMPLE).map(p -> Arguments.of(c, p)));
    }

    @org.junit.jupiter.api.Test
    void inversionRefusesSamplePredictionModels() {
        for (PredictionType p : List.of(PredictionType.SAMPLE)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new DDIMInverseScheduler(schedule(p), LIST));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(p.name()), e.getMessage());
        }
    }

    /**
     * Oracle outputs apply to every sampler and prediction type, and to inversion with ε-prediction. (Inversion
     * evaluates the model at the previous level r but reads its output at t; only ε is level-independent, and an
     * x₀-prediction at the clean first level determines no ε at all.)
     */
    static Stream<Arguments> oracle() {
        return all().filter(a -> !((Case) a.get()[0]).inverse() || a.get()[1] == PredictionType.EPSILON);
    }

    private static NoiseSchedule schedule(PredictionType p) {
        return new NoiseSchedule(new NoiseScheduleConfig(T, 1e-4, 0.02, BetaSchedule.LINEAR, p, true, 1.0));
    }

    /** A fixed stand-in network: not an oracle, but a deterministic function of (x, t). */
    private static Tensor fakeModel(Tensor x, int t) {
        return x.mul(Tensors.s(0.5)).add(Tensors.s(0.1 + t * 1e-4));
    }

    /** Runs every step from {@code x} with {@link #fakeModel}, returning the final sample. */
    private static float[] run(Scheduler s, Tensor x, Generator gen) {
        SchedulerState state = s.newState(gen);
        for (int t : s.timesteps()) {
            x = s.step(fakeModel(x, t), t, x, state).prev();
        }
        return Tensors.toFloats(x);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void timestepsAreStrictlyMonotoneAndInRange(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        int[] ts = s.timesteps();
        assertArrayEquals(c.expected(), ts);
        for (int i = 0; i < ts.length; i++) {
            assertTrue(ts[i] >= 0 && ts[i] < T, "in [0, T): " + ts[i]);
            if (i > 0) {
                assertTrue(c.inverse() ? ts[i] > ts[i - 1] : ts[i] < ts[i - 1], "strictly monotone: " + Arrays.toString(ts));
            }
        }
        assertEquals(T, s.schedule().numTrainTimesteps());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void timestepsReturnsADefensiveCopy(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        int[] first = s.timesteps();
        int[] expected = first.clone();
        Arrays.fill(first, 7);
        assertArrayEquals(expected, s.timesteps());
        // neither does the list a scheduler was built from alias it
        int[] source = LIST.clone();
        Scheduler s2 = c.make().apply(schedule(p));
        source[0] = 1;
        assertArrayEquals(expected, s2.timesteps());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void stepKeepsTheSampleShape(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        SchedulerState state = s.newState(Tensors.generator(1));
        Tensor x = Tensors.randn(Tensors.generator(2), SHAPE);
        for (int t : s.timesteps()) {
            StepResult r = s.step(fakeModel(x, t), t, x, state);
            assertArrayEquals(SHAPE, Tensors.shape(r.prev()));
            assertArrayEquals(SHAPE, Tensors.shape(r.predX0()));
            assertTrue(Tensors.allFinite(r.prev()), "finite at t=" + t);
            x = r.prev();
        }
        assertEquals(c.expected().length, state.index());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("oracle")
    void oracleModelOutputGivesTheTrueX0(Case c, PredictionType p) {
        NoiseSchedule sched = schedule(p);
        Scheduler s = c.make().apply(sched);
        Tensor x0 = Tensors.rand(Tensors.generator(3), SHAPE).mul(Tensors.s(1.8)).sub(Tensors.s(0.9));
        Tensor eps = Tensors.randn(Tensors.generator(4), SHAPE);
        float[] x0v = Tensors.toFloats(x0);
        SchedulerState state = s.newState(Tensors.generator(5));
        int[] ts = s.timesteps();
        for (int i = 0; i < ts.length; i++) {
            int t = ts[i];
            // samplers are fed x_t; inversion is fed the sample at the previous level r (x₀ itself first)
            int level = c.inverse() ? (i == 0 ? -1 : ts[i - 1]) : t;
            Tensor xt = level < 0 ? x0 : sched.addNoise(x0, eps, level);
            double a = sched.alphaBar(t);
            Tensor out = switch (p) {
                case EPSILON -> eps;
                case SAMPLE -> x0;
                case V_PREDICTION -> eps.mul(Tensors.s(Math.sqrt(a))).sub(x0.mul(Tensors.s(Math.sqrt(1 - a))));
            };
            StepResult r = s.step(out, t, xt, state);
            double d = maxAbsDiff(x0v, Tensors.toFloats(r.predX0()));
            assertTrue(d < 1e-4, c + " " + p + " t=" + t + ": |predX0 − x0| = " + d);
            if (c.inverse()) {
                double dn = maxAbsDiff(Tensors.toFloats(sched.addNoise(x0, eps, t)), Tensors.toFloats(r.prev()));
                assertTrue(dn < 1e-4, "inversion lands on x_t at t=" + t + ": " + dn);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void steppingWithTheWrongTimestepThrowsAndDoesNotAdvance(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        int[] ts = s.timesteps();
        SchedulerState state = s.newState(Tensors.generator(1));
        Tensor x = Tensors.randn(Tensors.generator(2), SHAPE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.step(fakeModel(x, ts[1]), ts[1], x, state));
        assertTrue(e.getMessage().contains("t=" + ts[1]) && e.getMessage().contains("expects t=" + ts[0]), e.getMessage());
        assertEquals(0, state.index());
        s.step(fakeModel(x, ts[0]), ts[0], x, state); // the right one still works
        assertThrows(IllegalArgumentException.class, () -> s.step(fakeModel(x, ts[0]), ts[0], x, state));
        assertThrows(IllegalArgumentException.class, () -> s.step(x, 12345, x, state));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void aFinishedRunThrows(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        SchedulerState state = s.newState(Tensors.generator(1));
        Tensor x = Tensors.randn(Tensors.generator(2), SHAPE);
        int[] ts = s.timesteps();
        for (int t : ts) {
            x = s.step(fakeModel(x, t), t, x, state).prev();
        }
        Tensor last = x;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.step(fakeModel(last, ts[ts.length - 1]), ts[ts.length - 1], last, state));
        assertTrue(e.getMessage().contains("finished"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void interleavedRunsEqualSequentialRuns(Case c, PredictionType p) throws Exception {
        Scheduler s = c.make().apply(schedule(p));
        Tensor xa = Tensors.randn(Tensors.generator(10), SHAPE);
        Tensor xb = Tensors.randn(Tensors.generator(11), SHAPE);
        float[] seqA = run(s, xa, Tensors.generator(1));
        float[] seqB = run(s, xb, Tensors.generator(2));

        SchedulerState sa = s.newState(Tensors.generator(1));
        SchedulerState sb = s.newState(Tensors.generator(2));
        Tensor a = xa;
        Tensor b = xb;
        for (int t : s.timesteps()) {
            a = s.step(fakeModel(a, t), t, a, sa).prev();
            b = s.step(fakeModel(b, t), t, b, sb).prev();
        }
        assertArrayEquals(seqA, Tensors.toFloats(a));
        assertArrayEquals(seqB, Tensors.toFloats(b));

        // and one scheduler instance serving two threads at once
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                fs.add(pool.submit(() -> run(s, xa, Tensors.generator(1))));
                fs.add(pool.submit(() -> run(s, xb, Tensors.generator(2))));
            }
            for (int i = 0; i < fs.size(); i++) {
                assertArrayEquals(i % 2 == 0 ? seqA : seqB, fs.get(i).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("all")
    void sameSeedGivesTheSameResult(Case c, PredictionType p) {
        Scheduler s = c.make().apply(schedule(p));
        Tensor x = Tensors.randn(Tensors.generator(10), SHAPE);
        float[] a = run(s, x, Tensors.generator(1));
        assertArrayEquals(a, run(s, x, Tensors.generator(1)));
        float[] other = run(s, x, Tensors.generator(2));
        if (c.stochastic()) {
            assertFalse(Arrays.equals(a, other), "a stochastic scheduler draws noise from the run's generator");
        } else {
            assertArrayEquals(a, other, "a deterministic scheduler ignores the generator");
            assertArrayEquals(a, run(s, x, null), "and runs without one");
        }
    }
}
