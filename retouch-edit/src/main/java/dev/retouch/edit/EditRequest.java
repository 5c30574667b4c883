package dev.retouch.edit;

/** What every method's request record has: the seed of its random draws (noise, sources), and its options. */
public interface EditRequest {
    long seed();

    /**
     * The request's options (the images aside) by the names the CLI and the HTTP API give them, in a stable order:
     * what a result PNG records so that it can be made again. A null value means the method's default for the input.
     */
    java.util.Map<String, Object> parameters();
}
