package io.morphgate.itests;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;

import io.morphgate.api.deployment.Artifact;

/**
 * Jars signed as the cloud signs them (Ed25519 over the jar's bytes), by a key the gateway under test trusts: the
 * driver side makes the pair and puts the public key in the gateway's trusted keys; the probe signs with the private
 * key, handed over as a framework property.
 */
final class SignedJars {

    static final String KEY_ID = "itest-cloud";
    private static final String PRIVATE_KEY = "morphgate.itests.signing.key";

    private final BundleContext context;

    SignedJars(BundleContext context) {
        this.context = context;
    }

    /** Driver side: a new key pair, trusted by the gateway whose home is {@code home}. */
    static List<Option> trustedKey(Path home) throws IOException, GeneralSecurityException {
        Path keys = Files.createDirectories(home.resolve("conf/trusted-keys"));
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(keys.resolve(KEY_ID + ".pub"), Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        return List.of(frameworkProperty(PRIVATE_KEY).value(Base64.getEncoder().encodeToString(
                pair.getPrivate().getEncoded())));
    }

    /** A signed artifact for {@code jar}. */
    Artifact signed(Path jar) {
        return new Artifact(jar.toUri(), sha256(jar), Optional.of(sign(jar)), Optional.of(KEY_ID), Optional.empty());
    }

    String sign(Path jar) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(context.getProperty(PRIVATE_KEY))));
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(Files.readAllBytes(jar));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path jar) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
