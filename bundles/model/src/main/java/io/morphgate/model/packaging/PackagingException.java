package io.morphgate.model.packaging;

/** The packager refuses its input; the message is the one line the user reads, saying what is wrong. */
public final class PackagingException extends Exception {

    private static final long serialVersionUID = 1L;

    public PackagingException(String message) {
        super(message);
    }

    public PackagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
