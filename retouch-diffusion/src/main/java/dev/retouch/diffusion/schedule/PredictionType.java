package dev.retouch.diffusion.schedule;

/** What the network predicts. */
public enum PredictionType {
    /** the added noise ε. */
    EPSILON,
    /** the clean sample x₀. */
    SAMPLE,
    /** v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans &amp; Ho 2022). */
    V_PREDICTION
}
