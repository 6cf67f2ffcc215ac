package io.morphgate.api.deployment;

import java.net.URI;
import java.util.Optional;

/**
 * A bundle jar to install: where it comes from and what it must be.
 *
 * @param source    http or https URL; a file URL inside a directory the gateway allows (its data directory and those
 *                  configured); or {@code upload:<uploadId>} for bytes sent in chunks over MQTT
 * @param sha256    lower-case hex SHA-256 of the jar; always checked
 * @param signature base64 Ed25519 signature of the jar's bytes by a trusted cloud key; required unless the gateway
 *                  is configured (loudly) to accept unsigned jars
 * @param keyId     which trusted key signed it
 * @param size      expected size in bytes, if known (downloads larger than the limit are refused either way)
 */
public record Artifact(URI source, String sha256, Optional<String> signature, Optional<String> keyId,
        Optional<Long> size) {
}
