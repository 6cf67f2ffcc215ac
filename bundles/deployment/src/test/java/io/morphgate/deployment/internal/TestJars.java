package io.morphgate.deployment.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Jars, keys and signatures for the tests. */
final class TestJars {

    private TestJars() {
    }

    static Path bundle(Path file, String symbolicName) throws IOException {
        return jar(file, Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", symbolicName,
                "Bundle-Version", "1.0.0"), Map.of("data/payload.txt", "hello".getBytes()));
    }

    static Path jar(Path file, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (var e : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        return file;
    }

    static KeyPair keyPair() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** Writes {@code <keyId>.pub} as the gateway expects it: base64 X.509 SubjectPublicKeyInfo. */
    static void trust(Path dir, String keyId, KeyPair keys) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(keyId + ".pub"), Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    }

    static String sign(Path jar, PrivateKey key) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(Files.readAllBytes(jar));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
