package dev.retouch.diffusion.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Respacing (diffusers' leading / trailing / linspace), list validation and list algebra. */
class TimestepsTest {

    @Test
    void leadingFiftyOfAThousand() {
        int[] ts = Timesteps.spaced(50, 1000, TimestepSpacing.LEADING);
        assertEquals(50, ts.length);
        for (int i = 0; i < 50; i++) {
            assertEquals(980 - 20 * i, ts[i]);
        }
        assertArrayEquals(new int[]{6, 3, 0}, Timesteps.spaced(3, 10, TimestepSpacing.LEADING));
    }

    @Test
    void trailingTenOfAThousand() {
        assertArrayEquals(new int[]{999, 899, 799, 699, 599, 499, 399, 299, 199, 99},
                Timesteps.spaced(10, 1000, TimestepSpacing.TRAILING));
        // a non-integer ratio rounds: 1000/3 → 999, 666, 332
        assertArrayEquals(new int[]{999, 666, 332}, Timesteps.spaced(3, 1000, TimestepSpacing.TRAILING));
    }

    @Test
    void linspaceEndpoints() {
        int[] ts = Timesteps.spaced(10, 1000, TimestepSpacing.LINSPACE);
        assertEquals(999, ts[0]);
        assertEquals(0, ts[9]);
        assertEquals(Math.round(999 * 8 / 9.0), ts[1]); // 888
        assertArrayEquals(new int[]{999, 500, 0}, Timesteps.spaced(3, 1000, TimestepSpacing.LINSPACE));
        assertArrayEquals(new int[]{0}, Timesteps.spaced(1, 1000, TimestepSpacing.LINSPACE));
    }

    @Test
    void everySpacingOfAllStepsIsTheFullList() {
        for (TimestepSpacing sp : TimestepSpacing.values()) {
            int[] ts = Timesteps.spaced(1000, 1000, sp);
            for (int i = 0; i < 1000; i++) {
                assertEquals(999 - i, ts[i], sp + " at " + i);
            }
        }
        assertArrayEquals(Timesteps.spaced(1000, 1000, TimestepSpacing.LEADING),
                DDPMScheduler.full(new NoiseSchedule(NoiseScheduleConfig.ddpmLinear()), VarianceType.FIXED_SMALL).timesteps());
    }

    @Test
    void karrasTimestepsOfTheDdpmLinearSchedule() {
        // expected lists computed independently (numpy: Karras Eq. 5 with ρ = 7, argmin |log σ_t − log σ_i|)
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        assertArrayEquals(new int[]{999, 937, 864, 775, 663, 511, 301, 102, 18, 0}, Timesteps.karras(s, 10));
        assertArrayEquals(new int[]{999, 977, 953, 928, 902, 874, 843, 811, 775, 736, 694, 646, 593, 533, 464, 386,
                301, 216, 142, 86, 47, 24, 10, 3, 0}, Timesteps.karras(s, 25));
        // near σ_min several levels round to one timestep; each is kept once
        int[] many = Timesteps.karras(s, 250);
        assertEquals(239, many.length);
        assertEquals(999, many[0]);
        assertEquals(0, many[238]);
        assertArrayEquals(many, Timesteps.explicit(many, 1000), "strictly descending");
        assertArrayEquals(new int[]{999}, Timesteps.karras(s, 1));
        assertArrayEquals(new int[]{999, 0}, Timesteps.karras(s, 2));
        assertThrows(IllegalArgumentException.class, () -> Timesteps.karras(s, 0));
        assertThrows(IllegalArgumentException.class, () -> Timesteps.karras(s, 1001));
    }

    @Test
    void nearestInLogSigmaPicksTheCloserNeighbour() {
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        for (int t : new int[]{0, 1, 17, 500, 998, 999}) {
            assertEquals(t, Timesteps.nearestInLogSigma(s, Math.log(s.sigma(t))), "exact level of t=" + t);
        }
        double l3 = Math.log(s.sigma(3));
        double l4 = Math.log(s.sigma(4));
        assertEquals(3, Timesteps.nearestInLogSigma(s, l3 + 0.4 * (l4 - l3)));
        assertEquals(4, Timesteps.nearestInLogSigma(s, l3 + 0.6 * (l4 - l3)));
        assertEquals(0, Timesteps.nearestInLogSigma(s, -50), "below σ_min");
        assertEquals(999, Timesteps.nearestInLogSigma(s, 50), "above σ_max");
    }

    @Test
    void countsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Timesteps.spaced(0, 1000, TimestepSpacing.LEADING));
        assertThrows(IllegalArgumentException.class, () -> Timesteps.spaced(1001, 1000, TimestepSpacing.TRAILING));
        assertThrows(IllegalArgumentException.class, () -> Timesteps.spaced(-5, 1000, TimestepSpacing.LINSPACE));
    }

    @Test
    void explicitListsAreValidated() {
        int[] ok = {900, 500, 10};
        int[] copy = Timesteps.explicit(ok, 1000);
        assertArrayEquals(ok, copy);
        copy[0] = 1;
        assertEquals(900, ok[0], "explicit returns a copy");

        IllegalArgumentException notDescending = assertThrows(IllegalArgumentException.class,
                () -> Timesteps.explicit(new int[]{10, 500}, 1000));
        assertTrue(notDescending.getMessage().contains("strictly descending"), notDescending.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timesteps.explicit(new int[]{500, 500}, 1000));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> Timesteps.explicit(new int[]{1000, 5}, 1000));
        assertTrue(range.getMessage().contains("1000 outside [0, 1000)"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timesteps.explicit(new int[]{5, -1}, 1000));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Timesteps.explicit(new int[0], 1000));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        // schedulers validate their lists the same way
        NoiseSchedule s = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());
        assertThrows(IllegalArgumentException.class, () -> new DDIMScheduler(s, new int[]{1, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> new DDPMScheduler(s, new int[]{1000}, VarianceType.FIXED_SMALL));
        assertThrows(IllegalArgumentException.class, () -> new DDIMInverseScheduler(s, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new DDIMScheduler(s, new int[]{5}, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new DDIMScheduler(s, new int[]{5}, Double.NaN));
    }

    @Test
    void upToReversedAndUnion() {
        int[] leading = Timesteps.spaced(50, 1000, TimestepSpacing.LEADING);
        int[] cut = Timesteps.upTo(leading, 500);
        assertEquals(26, cut.length);
        assertEquals(500, cut[0]);
        assertEquals(0, cut[25]);
        int[] between = Timesteps.upTo(leading, 509);
        assertEquals(500, between[0], "t0 between listed steps starts at the next one below");
        assertEquals(0, Timesteps.upTo(new int[]{900, 800}, 10).length);

        assertArrayEquals(new int[]{0, 5, 10}, Timesteps.reversed(new int[]{10, 5, 0}));
        assertArrayEquals(new int[]{3}, Timesteps.reversed(new int[]{3}));
        assertArrayEquals(new int[]{10, 7, 5, 1}, Timesteps.union(new int[]{10, 5}, new int[]{7, 5, 1}));
        assertArrayEquals(new int[]{9, 4}, Timesteps.union(new int[]{4, 9}, new int[0]));
    }
}
