package io.morphgate.gateway.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import com.google.gson.JsonObject;

/**
 * The cloud's side of an install: an Ed25519 key (its public half written where the gateway trusts keys), the
 * artifact JSON of a jar ({@code url}, {@code sha256}, {@code signature}, {@code keyId}), and the test jars the
 * bad-input drills need.
 */
public final class CloudSigner {

    private final String keyId;
    private final KeyPair keys;

    public CloudSigner(String keyId) throws GeneralSecurityException {
        this.keyId = keyId;
        this.keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** Writes {@code <keyId>.pub} (base64 X.509) into the gateway's trusted-keys folder. */
    public void trustOn(Path trustedKeys) throws IOException {
        Files.writeString(trustedKeys.resolve(keyId + ".pub"),
                Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n");
    }

    public String keyId() {
        return keyId;
    }

    public String sign(byte[] jar) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(jar);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    public static String sha256(byte[] bytes) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A complete, correctly signed artifact. */
    public JsonObject artifact(String url, byte[] jar) throws GeneralSecurityException {
        JsonObject artifact = new JsonObject();
        artifact.addProperty("url", url);
        artifact.addProperty("sha256", sha256(jar));
        artifact.addProperty("signature", sign(jar));
        artifact.addProperty("keyId", keyId);
        artifact.addProperty("size", jar.length);
        return artifact;
    }

    /**
     * A copy of {@code jar} with main manifest attributes replaced (e.g. a new Bundle-Version) and, if
     * {@code paddingBytes} > 0, an incompressible resource of that size added: another build of the same bundle.
     */
    public static byte[] rebuilt(byte[] jar, Map<String, String> attributes, int paddingBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
                if (paddingBytes > 0) {
                    byte[] noise = new byte[paddingBytes];
                    new Random(42).nextBytes(noise);
                    out.putNextEntry(new JarEntry("padding/noise.bin"));
                    out.write(noise);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** A jar with the given main attributes (and no classes): a bundle or not, depending on what they say. */
    public static byte[] jar(String... attributes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            main.putValue(attributes[i], attributes[i + 1]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(new JarEntry("readme.txt"));
            out.write("test jar of the Morphgate end-to-end tests\n".getBytes());
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
