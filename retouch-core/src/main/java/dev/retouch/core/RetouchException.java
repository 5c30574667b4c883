package dev.retouch.core;

/**
 * A user-facing failure: bad input, a missing or malformed file, an impossible parameter. The message is the
 * whole story for the user (what, which file, expected vs found); the CLI prints it without a stack trace.
 */
public class RetouchException extends RuntimeException {
    public RetouchException(String message) {
        super(message);
    }

    public RetouchException(String message, Throwable cause) {
        super(message, cause);
    }
}
