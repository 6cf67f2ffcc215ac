package io.morphgate.fleet.http;

/** A request the API refuses: the HTTP status, a code, a message a person can act on, the field at fault (or null). */
final class ApiError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    ApiError(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, "INVALID_ARGUMENT", message, field);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "NOT_FOUND", message, null);
    }

    static ApiError conflict(String code, String message, String field) {
        return new ApiError(409, code, message, field);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }
}
