package io.morphgate.inference.http.internal;

import io.morphgate.api.serving.ServingException.Code;

/** The HTTP status of each serving error code. */
final class HttpStatus {

    private HttpStatus() {
    }

    static int of(Code code) {
        return switch (code) {
            case MALFORMED_REQUEST, CORRUPT_IMAGE -> 400;
            case PAYLOAD_TOO_LARGE, IMAGE_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case WRONG_TYPE, WRONG_SHAPE, INVALID_VALUE -> 422;
            case OVERLOADED -> 429;
            case RUNTIME_FAILURE -> 500;
            case NOT_READY -> 503;
            case TIMEOUT -> 504;
        };
    }
}
