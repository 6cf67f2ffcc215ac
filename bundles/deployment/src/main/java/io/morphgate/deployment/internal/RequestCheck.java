package io.morphgate.deployment.internal;

import java.util.regex.Pattern;

import org.osgi.framework.Bundle;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;

/** What can be refused before a job is queued: malformed requests, unknown or protected bundles, unknown features. */
final class RequestCheck {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final FrameworkOps ops;
    private final JobJournal journal;

    RequestCheck(FrameworkOps ops, JobJournal journal) {
        this.ops = ops;
        this.journal = journal;
    }

    /** Enough to journal the request: an id and an action. */
    void wellFormed(DeploymentRequest request) throws DeploymentException {
        if (request == null || request.requestId() == null || request.requestId().isBlank()
                || request.requestId().length() > 200 || request.action() == null) {
            throw invalid("a request needs a requestId (at most 200 characters) and an action");
        }
    }

    /** Everything the action needs is there, and the bundle acted on may be acted on. */
    void runnable(DeploymentRequest request) throws DeploymentException {
        Action action = request.action();
        switch (action) {
            case INSTALL -> artifact(request.artifact().orElseThrow(() -> invalid("INSTALL needs an artifact")));
            case UPDATE -> {
                artifact(request.artifact().orElseThrow(() -> invalid("UPDATE needs an artifact")));
                bundle(request, "update");
            }
            case START, STOP, UNINSTALL -> bundle(request, action.name().toLowerCase());
            case INSTALL_FEATURE -> {
                var feature = request.feature().orElseThrow(() -> invalid("INSTALL_FEATURE needs a feature"));
                if (feature.id() == null || feature.id().isBlank() || feature.bundles() == null
                        || feature.bundles().isEmpty()) {
                    throw invalid("a feature needs an id and at least one bundle");
                }
                for (Artifact a : feature.bundles()) {
                    artifact(a);
                }
                if (journal.featureLocations(feature.id()).isPresent()) {
                    throw invalid("feature " + feature.id() + " is installed already; uninstall it first");
                }
            }
            case UNINSTALL_FEATURE -> {
                String id = request.feature().map(DeploymentRequest.Feature::id)
                        .orElseThrow(() -> invalid("UNINSTALL_FEATURE needs a feature id"));
                if (journal.featureLocations(id).isEmpty()) {
                    throw new DeploymentException(Code.NO_SUCH_FEATURE, "no feature " + id
                            + " was installed by the deployer");
                }
            }
        }
    }

    /** The installed bundle the request names; NO_SUCH_BUNDLE or PROTECTED_BUNDLE otherwise. */
    Bundle bundle(DeploymentRequest request, String verb) throws DeploymentException {
        String name = request.symbolicName().orElseThrow(() -> invalid(verb + " needs a symbolicName"));
        Bundle bundle = ops.bySymbolicName(name).orElseThrow(() -> new DeploymentException(Code.NO_SUCH_BUNDLE,
                "no bundle " + name + " is installed"));
        ProtectedBundles.check(bundle, verb);
        return bundle;
    }

    private static void artifact(Artifact artifact) throws DeploymentException {
        if (artifact == null || artifact.source() == null || artifact.sha256() == null
                || !SHA256.matcher(artifact.sha256()).matches()) {
            throw invalid("an artifact needs a source and a SHA-256 of 64 hex digits");
        }
        if (artifact.signature() == null || artifact.keyId() == null || artifact.size() == null) {
            throw invalid("artifact fields signature, keyId and size must be Optional, not null");
        }
        if (artifact.signature().isPresent()) {
            // a signature that is not even base64 is refused now, and said so, rather than "does not match" later
            ArtifactVerifier.decodeSignature(artifact);
        }
    }

    private static DeploymentException invalid(String message) {
        return new DeploymentException(Code.INVALID_ARGUMENT, message);
    }
}
