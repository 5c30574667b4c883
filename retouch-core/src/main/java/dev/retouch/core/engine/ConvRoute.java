package dev.retouch.core.engine;

/** How {@link Convolution} runs a 2-D convolution on this machine; chosen by the {@link SelfCheck}. */
public enum ConvRoute {
    /** oneDNN exactly as libtorch dispatches it. */
    DIRECT("oneDNN as dispatched"),
    /**
     * oneDNN, with channel counts zero-padded to multiples of 16 where its blocked kernels would otherwise pad them
     * itself: input channels above 8 for the forward pass, output channels when the input's gradient is wanted
     * (the backward-data pass reorders the output gradient); multiples of 32 for a strided convolution whose input
     * gradient is wanted. Exact: the extra channels are zeros in the input and
     * the weight, and the extra outputs are cut away.
     */
    PAD_CHANNELS("oneDNN with channel counts zero-padded to multiples of 16"),
    /** ATen's own convolution with oneDNN switched off for the whole process (exact, several times slower). */
    NO_ONEDNN("ATen convolution, oneDNN off");

    private final String summary;

    ConvRoute(String summary) {
        this.summary = summary;
    }

    /** A few words for reports. */
    public String summary() {
        return summary;
    }
}
