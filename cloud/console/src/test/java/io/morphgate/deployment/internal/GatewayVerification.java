package io.morphgate.deployment.internal;

import java.nio.file.Path;
import java.util.Optional;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;

/**
 * The gateway's own check of a downloaded jar (SHA-256, Ed25519 signature by a trusted key, jar inspection), opened to
 * the console's tests: they prove that what the console writes is what an install on a gateway accepts.
 */
public final class GatewayVerification {

    private GatewayVerification() {
    }

    /**
     * Verifies as a gateway that requires signatures and trusts the {@code <keyId>.pub} files in {@code trustedKeys}.
     *
     * @return the bundle's "symbolicName version"
     * @throws DeploymentException as the gateway's install job would fail
     */
    public static String verify(Path jar, Path trustedKeys, String sha256, String signature, String keyId, long size)
            throws DeploymentException {
        Artifact artifact = new Artifact(jar.toUri(), sha256, Optional.of(signature), Optional.of(keyId),
                Optional.of(size));
        JarInspection.BundleFacts facts = new ArtifactVerifier(new TrustedKeys(trustedKeys), true, 256L << 20)
                .verify(artifact, jar);
        return facts.symbolicName() + " " + facts.version();
    }
}
