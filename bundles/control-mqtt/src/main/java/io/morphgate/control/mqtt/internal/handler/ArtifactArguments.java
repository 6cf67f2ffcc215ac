package io.morphgate.control.mqtt.internal.handler;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.control.mqtt.internal.command.Arguments;
import io.morphgate.control.mqtt.internal.command.CommandException;

/** Reads an artifact: {url, sha256, signature?, keyId?, size?}. Verification itself is the deployer's. */
final class ArtifactArguments {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> SCHEMES = Set.of("http", "https", "file", "upload");

    private static final int ED25519_SIGNATURE_BYTES = 64;
    private static final List<String> FIELDS = List.of("url", "sha256", "signature", "keyId", "size");

    private ArtifactArguments() {
    }

    /** The artifact's fields under {@code prefix} ({@code "artifact."}, {@code "bundles[]."}), and {@code others}. */
    static Set<String> fields(String prefix, String... others) {
        Set<String> fields = new HashSet<>(List.of(others));
        FIELDS.forEach(f -> fields.add(prefix + f));
        return Set.copyOf(fields);
    }

    /**
     * A signature must be the base64 of an Ed25519 signature (64 bytes): anything else is refused here, naming the
     * field, rather than reported later as a signature that does not match.
     */
    private static void checkSignature(String signature, String field) throws CommandException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw CommandException.invalidArgument(field, "not base64 (" + e.getMessage() + "); expected the "
                    + ED25519_SIGNATURE_BYTES + " bytes of an Ed25519 signature in base64");
        }
        if (bytes.length != ED25519_SIGNATURE_BYTES) {
            throw CommandException.invalidArgument(field, "decodes to " + bytes.length + " bytes; an Ed25519 "
                    + "signature has " + ED25519_SIGNATURE_BYTES);
        }
    }

    static Artifact read(Arguments artifact, String path) throws CommandException {
        String url = artifact.requiredString("url");
        URI source;
        try {
            source = new URI(url);
        } catch (URISyntaxException e) {
            throw CommandException.invalidArgument(path + ".url", "not a URL: " + e.getMessage());
        }
        if (source.getScheme() == null || !SCHEMES.contains(source.getScheme().toLowerCase(Locale.ROOT))) {
            throw CommandException.invalidArgument(path + ".url", "scheme must be one of " + SCHEMES);
        }
        String sha256 = artifact.requiredString("sha256").toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(sha256).matches()) {
            throw CommandException.invalidArgument(path + ".sha256", "must be 64 hex digits");
        }
        Optional<String> signature = artifact.optionalString("signature");
        if (signature.isPresent()) {
            checkSignature(signature.get(), path + ".signature");
        }
        Optional<String> keyId = artifact.optionalString("keyId");
        long size = artifact.optionalLong("size", 1, Long.MAX_VALUE).orElse(-1);
        return new Artifact(source, sha256, signature, keyId, size < 0 ? Optional.empty() : Optional.of(size));
    }
}
