package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

class ArtifactVerifierTest {

    @TempDir
    Path dir;

    private KeyPair cloud;
    private Path jar;
    private String sha;
    private ArtifactVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        cloud = TestJars.keyPair();
        TestJars.trust(dir.resolve("keys"), "cloud-1", cloud);
        jar = TestJars.bundle(dir.resolve("op.jar"), "io.example.op");
        sha = ArtifactVerifier.sha256(jar);
        verifier = new ArtifactVerifier(new TrustedKeys(dir.resolve("keys")), true, 1 << 20);
    }

    private Artifact artifact(String hash, String signature, String keyId) {
        return new Artifact(jar.toUri(), hash, Optional.ofNullable(signature), Optional.ofNullable(keyId), Optional.empty());
    }

    private Code failure(ArtifactVerifier v, Artifact a) {
        return assertThrows(DeploymentException.class, () -> v.verify(a, jar)).code();
    }

    @Test
    void acceptsASignedBundle() throws Exception {
        var facts = verifier.verify(artifact(sha, TestJars.sign(jar, cloud.getPrivate()), "cloud-1"), jar);
        assertEquals("io.example.op", facts.symbolicName());
        assertEquals("1.0.0", facts.version());
    }

    @Test
    void refusesATamperedJar() throws Exception {
        String signature = TestJars.sign(jar, cloud.getPrivate());
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 1;
        Files.write(jar, bytes);
        assertEquals(Code.HASH_MISMATCH, failure(verifier, artifact(sha, signature, "cloud-1")));
        String message = assertThrows(DeploymentException.class,
                () -> verifier.verify(artifact(sha, signature, "cloud-1"), jar)).getMessage();
        assertTrue(message.contains(sha) && message.contains("do not match"), message);
        assertFalse(message.toLowerCase().contains(ArtifactVerifier.sha256(jar)),
                "the actual SHA-256 would let a request learn the digest of any file it can name: " + message);
        // the attacker also changed the hash in the request: the signature still gives it away
        assertEquals(Code.SIGNATURE_INVALID, failure(verifier, artifact(ArtifactVerifier.sha256(jar), signature, "cloud-1")));
    }

    @Test
    void refusesMissingSignaturesAndUnknownKeys() throws Exception {
        String signature = TestJars.sign(jar, cloud.getPrivate());
        assertEquals(Code.SIGNATURE_MISSING, failure(verifier, artifact(sha, null, null)));
        assertEquals(Code.UNTRUSTED_KEY, failure(verifier, artifact(sha, signature, "someone-else")));
        assertEquals(Code.UNTRUSTED_KEY, failure(verifier, artifact(sha, signature, "../keys/cloud-1")));
        String other = TestJars.sign(jar, TestJars.keyPair().getPrivate());
        assertEquals(Code.SIGNATURE_INVALID, failure(verifier, artifact(sha, other, "cloud-1")));
    }

    @Test
    void aSignatureThatIsNotBase64IsSaidToBeMalformedNotToMismatch() throws Exception {
        DeploymentException e = assertThrows(DeploymentException.class,
                () -> verifier.verify(artifact(sha, "not base64!", "cloud-1"), jar));
        assertEquals(Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("is not base64"), e.getMessage());
        // base64, but not the size of an Ed25519 signature
        DeploymentException shortOne = assertThrows(DeploymentException.class,
                () -> verifier.verify(artifact(sha, "c2ln", "cloud-1"), jar));
        assertEquals(Code.INVALID_ARGUMENT, shortOne.code());
        assertTrue(shortOne.getMessage().contains("has 3 bytes; an Ed25519 signature has 64"), shortOne.getMessage());
    }

    @Test
    void acceptsUnsignedJarsOnlyWhenConfiguredTo() throws Exception {
        ArtifactVerifier lax = new ArtifactVerifier(new TrustedKeys(dir.resolve("keys")), false, 1 << 20);
        assertEquals("io.example.op", lax.verify(artifact(sha, null, null), jar).symbolicName());
        // a signature that is there is still checked
        String other = TestJars.sign(jar, TestJars.keyPair().getPrivate());
        assertEquals(Code.SIGNATURE_INVALID, failure(lax, artifact(sha, other, "cloud-1")));
    }

    @Test
    void refusesJarsThatAreNotBundles() throws Exception {
        jar = TestJars.jar(dir.resolve("plain.jar"), Map.of("Main-Class", "x.Y"), Map.of("x/Y.class", new byte[10]));
        ArtifactVerifier lax = new ArtifactVerifier(new TrustedKeys(dir.resolve("keys")), false, 1 << 20);
        assertEquals(Code.NOT_A_BUNDLE, failure(lax, artifact(ArtifactVerifier.sha256(jar), null, null)));
        jar = Files.writeString(dir.resolve("text.jar"), "not a zip");
        assertEquals(Code.NOT_A_BUNDLE, failure(lax, artifact(ArtifactVerifier.sha256(jar), null, null)));
    }
}
