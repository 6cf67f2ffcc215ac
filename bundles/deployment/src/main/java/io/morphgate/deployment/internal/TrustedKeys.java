package io.morphgate.deployment.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cloud keys the gateway trusts: {@code <keyId>.pub} files in one directory, each a base64 X.509
 * (SubjectPublicKeyInfo) Ed25519 public key. Read at each use, so a key added or revoked takes effect at once.
 */
final class TrustedKeys {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Path directory;

    TrustedKeys(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** The key named {@code keyId}, or empty if there is no such trusted key. */
    Optional<PublicKey> find(String keyId) throws IOException, GeneralSecurityException {
        if (!KEY_ID.matcher(keyId).matches()) {
            return Optional.empty();
        }
        Path file = directory.resolve(keyId + ".pub");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(text);
        return Optional.of(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
    }
}
