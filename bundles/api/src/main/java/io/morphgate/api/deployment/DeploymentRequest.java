package io.morphgate.api.deployment;

import java.util.List;
import java.util.Optional;

/**
 * One deployment job as the cloud asks for it.
 *
 * @param requestId    the cloud's id of the request; a job runs once per id, across restarts
 * @param action       what to do
 * @param symbolicName the bundle acted on (start, stop, update, uninstall)
 * @param artifact     the jar to install or update to
 * @param feature      for feature actions: the feature id and its bundles' artifacts, installed all or nothing
 */
public record DeploymentRequest(String requestId, Action action, Optional<String> symbolicName,
        Optional<Artifact> artifact, Optional<Feature> feature) {

    /** What a job does. */
    public enum Action {
        INSTALL, UPDATE, UNINSTALL, START, STOP, INSTALL_FEATURE, UNINSTALL_FEATURE
    }

    /** A set of bundles installed and removed together. */
    public record Feature(String id, List<Artifact> bundles) {
    }
}
