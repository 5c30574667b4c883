package dev.retouch.edit;

/** What every method's request record has: the seed of its random draws (noise, sources). */
public interface EditRequest {
    long seed();
}
