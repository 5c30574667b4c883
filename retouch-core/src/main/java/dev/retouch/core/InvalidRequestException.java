package dev.retouch.core;

/**
 * A request the caller can fix: an option out of its range, a combination of options that cannot go together, an
 * input that does not fit the model. The CLI answers it as a usage error (exit 2), a server as 400; a
 * {@link RetouchException} that is not one of these is a failure of the run (exit 1, 500).
 */
public class InvalidRequestException extends RetouchException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
