package io.morphgate.serving.internal;

import java.util.Locale;

import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/** Picks the decoder for a media type and checks what every decoded tensor must satisfy. */
final class InputDecoder {

    private final TensorJsonDecoder json = new TensorJsonDecoder();
    private final TensorBinaryDecoder binary = new TensorBinaryDecoder();
    private final ImageDecoder png = new ImageDecoder("png");
    private final ImageDecoder jpeg = new ImageDecoder("jpeg");

    float[] decode(String mediaType, byte[] body, ModelInput model) {
        float[] values = switch (essence(mediaType)) {
            case "application/json" -> json.decode(body, model);
            case "application/octet-stream" -> binary.decode(body, model);
            case "image/png" -> png.decode(body, model);
            case "image/jpeg", "image/jpg" -> jpeg.decode(body, model);
            default -> throw new ServingException(Code.UNSUPPORTED_MEDIA_TYPE, "media type '" + mediaType
                    + "' is not served: use application/json, application/octet-stream, image/png or image/jpeg");
        };
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ServingException(Code.INVALID_VALUE, "tensor element " + i + " is " + values[i]);
            }
        }
        return values;
    }

    /** {@code Image/PNG; q=1} -> {@code image/png}; null -> empty. */
    static String essence(String mediaType) {
        if (mediaType == null) {
            return "";
        }
        int semicolon = mediaType.indexOf(';');
        return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
