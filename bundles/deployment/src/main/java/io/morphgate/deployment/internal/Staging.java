package io.morphgate.deployment.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.deployment.internal.JarInspection.BundleFacts;

/** Download, then verify: a jar reaches the framework only from a file that passed every check. */
final class Staging {

    /** A verified jar, and the location it is installed under. */
    record StagedJar(Path file, BundleFacts facts, String location) {
    }

    private final ArtifactFetcher fetcher;
    private final ArtifactVerifier verifier;

    Staging(ArtifactFetcher fetcher, ArtifactVerifier verifier) {
        this.fetcher = fetcher;
        this.verifier = verifier;
    }

    /** Reports DOWNLOADING then VERIFYING between {@code from} and {@code to} percent. */
    StagedJar stage(Artifact artifact, JobRun run, int from, int to) throws DeploymentException {
        int downloadEnd = from + (to - from) * 4 / 5;
        run.stage(Stage.DOWNLOADING, from, "fetching " + artifact.source());
        int[] last = {from};
        Path file = fetcher.fetch(artifact, (bytes, total) -> {
            int percent = total > 0 ? from + (int) ((downloadEnd - from) * bytes / total) : from;
            if (percent > last[0]) {
                last[0] = percent;
                run.stage(Stage.DOWNLOADING, percent, "fetched " + bytes + (total > 0 ? " of " + total : "")
                        + " bytes of " + artifact.source());
            }
        });
        run.stage(Stage.VERIFYING, downloadEnd, "verifying SHA-256, signature and content of " + artifact.source());
        try {
            BundleFacts facts = verifier.verify(artifact, file);
            run.stage(Stage.VERIFYING, to, "verified " + facts.symbolicName() + " " + facts.version());
            return new StagedJar(file, facts, "deployment:" + facts.symbolicName() + "/" + artifact.sha256());
        } catch (DeploymentException e) {
            discard(file);
            throw e;
        }
    }

    static void discard(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.getLogger(Staging.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + file, e);
        }
    }
}
