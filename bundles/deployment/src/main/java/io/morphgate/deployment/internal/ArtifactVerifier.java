package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.deployment.internal.JarInspection.BundleFacts;

/**
 * Decides whether fetched bytes may be installed: the SHA-256 always, the Ed25519 signature by a trusted key (unless
 * the gateway is configured to accept unsigned jars; a signature that is present is checked either way), then what
 * the jar contains.
 */
final class ArtifactVerifier {

    private static final System.Logger LOG = System.getLogger(ArtifactVerifier.class.getName());
    /** A jar may unpack to this many times the size limit in total. */
    private static final long UNPACKED_FACTOR = 8;
    static final int ED25519_SIGNATURE_BYTES = 64;

    private final TrustedKeys keys;
    private final boolean requireSignature;
    private final long maxBytes;

    ArtifactVerifier(TrustedKeys keys, boolean requireSignature, long maxBytes) {
        this.keys = keys;
        this.requireSignature = requireSignature;
        this.maxBytes = maxBytes;
    }

    BundleFacts verify(Artifact artifact, Path jar) throws DeploymentException {
        checkHash(artifact, jar);
        checkSignature(artifact, jar);
        return JarInspection.inspect(jar, maxBytes * UNPACKED_FACTOR);
    }

    /** The actual hash is never told: it would let a request learn the digest of any file it can name. */
    private static void checkHash(Artifact artifact, Path jar) throws DeploymentException {
        if (!sha256(jar).equalsIgnoreCase(artifact.sha256())) {
            throw new DeploymentException(Code.HASH_MISMATCH, "the " + size(jar) + " bytes of " + artifact.source()
                    + " do not match the SHA-256 the request gives (" + artifact.sha256() + "): corrupted or not the "
                    + "jar meant");
        }
    }

    private static long size(Path jar) throws DeploymentException {
        try {
            return Files.size(jar);
        } catch (IOException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot read " + jar + ": " + e, e);
        }
    }

    private void checkSignature(Artifact artifact, Path jar) throws DeploymentException {
        if (artifact.signature().isEmpty()) {
            if (requireSignature) {
                throw new DeploymentException(Code.SIGNATURE_MISSING, artifact.source() + " is not signed; this "
                        + "gateway only installs jars signed by a trusted key");
            }
            LOG.log(Level.WARNING, "installing UNSIGNED jar {0}: requireSignature is off", artifact.source());
            return;
        }
        String keyId = artifact.keyId().orElseThrow(() -> new DeploymentException(Code.UNTRUSTED_KEY,
                artifact.source() + " is signed but names no keyId"));
        PublicKey key;
        try {
            key = keys.find(keyId).orElseThrow(() -> new DeploymentException(Code.UNTRUSTED_KEY, "key '" + keyId
                    + "' is not trusted by this gateway (no " + keyId + ".pub in " + keys.directory() + ")"));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new DeploymentException(Code.UNTRUSTED_KEY, "trusted key '" + keyId + "' cannot be read: " + e, e);
        }
        byte[] signature = decodeSignature(artifact);
        if (!signatureHolds(key, signature, jar)) {
            throw new DeploymentException(Code.SIGNATURE_INVALID, "signature of " + artifact.source()
                    + " does not match its bytes under key '" + keyId + "'");
        }
    }

    /** The signature's bytes; INVALID_ARGUMENT (not SIGNATURE_INVALID) when it is not base64 of an Ed25519 size. */
    static byte[] decodeSignature(Artifact artifact) throws DeploymentException {
        String text = artifact.signature().orElse("").trim();
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DeploymentException(Code.INVALID_ARGUMENT, "the signature of " + artifact.source()
                    + " is not base64 (" + e.getMessage() + "); expected the 64 bytes of an Ed25519 signature in "
                    + "base64");
        }
        if (bytes.length != ED25519_SIGNATURE_BYTES) {
            throw new DeploymentException(Code.INVALID_ARGUMENT, "the signature of " + artifact.source() + " has "
                    + bytes.length + " bytes; an Ed25519 signature has " + ED25519_SIGNATURE_BYTES);
        }
        return bytes;
    }

    private static boolean signatureHolds(PublicKey key, byte[] signature, Path jar) throws DeploymentException {
        try (InputStream in = Files.newInputStream(jar)) {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                verifier.update(buffer, 0, n);
            }
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        } catch (IOException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot read " + jar + ": " + e, e);
        }
    }

    static String sha256(Path file) throws DeploymentException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | GeneralSecurityException e) {
            throw new DeploymentException(Code.INTERNAL, "cannot hash " + file + ": " + e, e);
        }
    }
}
