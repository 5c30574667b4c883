package dev.retouch.core.image;

import dev.retouch.core.RetouchException;

/** An image with more pixels than the reader accepts (a server answers it with 413). */
public class ImageTooLargeException extends RetouchException {
    public ImageTooLargeException(String message) {
        super(message);
    }
}
