package io.morphgate.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys as the gateway expects them: <name>.key (PKCS#8, base64) stays in the cloud, <name>.pub (X.509
 * SubjectPublicKeyInfo, base64) goes into the gateway's trusted-keys directory, where its file name is the key id.
 */
final class Keys {

    private static final String ALGORITHM = "Ed25519";

    private Keys() {
    }

    /** Writes dir/name.key and dir/name.pub; refuses to overwrite a key. */
    static void generate(Path dir, String name) throws IOException, GeneralSecurityException {
        Path key = dir.resolve(name + ".key");
        if (Files.exists(key)) {
            throw new IOException(key + " exists: refusing to overwrite a private key");
        }
        KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        Files.createDirectories(dir);
        Files.writeString(key, base64(pair.getPrivate().getEncoded()) + "\n");
        key.toFile().setReadable(false, false);
        key.toFile().setReadable(true, true);
        Files.writeString(dir.resolve(name + ".pub"), base64(pair.getPublic().getEncoded()) + "\n");
    }

    /** The key id of a key file: its name without .key or .pub. */
    static String keyId(Path keyFile) {
        return keyFile.getFileName().toString().replaceFirst("\\.(key|pub)$", "");
    }

    static String sign(Path keyFile, byte[] data) throws IOException, GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(read(keyFile)));
        Signature signature = Signature.getInstance(ALGORITHM);
        signature.initSign(key);
        signature.update(data);
        return base64(signature.sign());
    }

    static boolean verify(Path publicKeyFile, byte[] data, String signatureBase64) throws IOException, GeneralSecurityException {
        PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(read(publicKeyFile)));
        Signature signature = Signature.getInstance(ALGORITHM);
        signature.initVerify(key);
        signature.update(data);
        return signature.verify(Base64.getDecoder().decode(signatureBase64));
    }

    static String sha256(byte[] data) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static byte[] read(Path file) throws IOException {
        return Base64.getMimeDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
