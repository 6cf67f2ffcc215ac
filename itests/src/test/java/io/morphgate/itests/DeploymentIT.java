package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;

import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.api.model.ModelControl;

/**
 * The deployer in the assembled gateway (feature morphgate-core), with real jars: the low-rank operator signed by a
 * key the test trusts, and jars that must be refused or rolled back. The tests run in name order, sharing one
 * framework: refusals first, then the install, its replay, an update that is rolled back, and last file: URLs
 * outside the gateway's data directory, refused until their directory is configured. The jars the tests install
 * are copied into the data directory, as an operator would put them there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DeploymentIT extends TestSupport {

    private static final String LOWRANK = "io.morphgate.operator.lowrank";
    private static final String KEY_ID = SignedJars.KEY_ID;
    private static final String LOWRANK_JAR = "morphgate.itests.deployment.lowrank";
    private static final String WORK = "morphgate.itests.deployment.work";

    @Configuration
    public Option[] configuration() throws Exception {
        Path work = Path.of(System.getProperty("morphgate.itests.target", "target"), "deployment-it",
                UUID.randomUUID().toString()).toAbsolutePath();
        String lowrank = featureBundles("morphgate-operator-lowrank").get(0);
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions("morphgate-core")));
        options.add(frameworkProperty("morphgate.home").value(work.resolve("home").toString()));
        options.add(frameworkProperty("morphgate.data.dir").value(work.resolve("data").toString()));
        // test only: the probe signs jars as the cloud would
        options.addAll(SignedJars.trustedKey(work.resolve("home")));
        options.add(frameworkProperty(LOWRANK_JAR).value(TestBundles.require(lowrank).toAbsolutePath().toString()));
        options.add(frameworkProperty(WORK).value(work.toString()));
        return options.toArray(Option[]::new);
    }

    @Test
    public void a_refusesJarsThatFailVerificationAndInstallsNothing() throws Exception {
        Path jar = stagedLowrankJar();
        String sha = sha256(jar);
        String signature = sign(jar);
        assertFailed(install("bad-hash", artifact(jar, "0".repeat(64), signature, KEY_ID)), DeploymentException.Code.HASH_MISMATCH);
        assertFailed(install("unsigned", artifact(jar, sha, null, null)), DeploymentException.Code.SIGNATURE_MISSING);
        assertFailed(install("untrusted", artifact(jar, sha, signature, "stranger")), DeploymentException.Code.UNTRUSTED_KEY);
        Path plain = writeJar("plain.jar", manifest("Main-Class", "x.Y"), List.of());
        assertFailed(install("plain", artifact(plain, sha256(plain), sign(plain), KEY_ID)), DeploymentException.Code.NOT_A_BUNDLE);
        assertNoBundle(LOWRANK);
    }

    @Test
    public void b_refusesToStopProtectedBundles() {
        for (String name : List.of("io.morphgate.onnxruntime", "io.morphgate.backbone", "io.morphgate.deployment")) {
            try {
                deployer().submit(request("stop-" + name, Action.STOP, Optional.of(name), Optional.empty()), p -> { });
                fail("stopping " + name + " was accepted");
            } catch (DeploymentException e) {
                assertEquals(DeploymentException.Code.PROTECTED_BUNDLE, e.code());
            }
            assertEquals(Bundle.ACTIVE, bundle(name).getState());
        }
    }

    @Test
    public void c_rollsBackABundleThatDoesNotResolve() throws Exception {
        Manifest manifest = manifest("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "io.example.unresolvable",
                "Bundle-Version", "1.0.0", "Import-Package", "io.example.missing;version=\"[1,2)\"");
        Path jar = writeJar("unresolvable.jar", manifest, List.of());
        JobOutcome outcome = (install("unresolvable", artifact(jar, sha256(jar), sign(jar), KEY_ID)));
        assertEquals(outcome.toString(), Stage.ROLLED_BACK, outcome.stage());
        assertEquals(Optional.of(DeploymentException.Code.RESOLVE_FAILED), outcome.error());
        assertTrue(outcome.message(), outcome.message().contains("io.example.missing"));
        assertNoBundle("io.example.unresolvable");
    }

    @Test
    public void d_installsASignedOperatorWhoseVariantsAreAccepted() throws Exception {
        Path jar = stagedLowrankJar();
        List<JobProgress> progress = new CopyOnWriteArrayList<>();
        DeploymentRequest request = request("install-lowrank", Action.INSTALL, Optional.empty(),
                Optional.of(artifact(jar, sha256(jar), sign(jar), KEY_ID)));
        JobOutcome outcome = await(deployer().submit(request, progress::add));
        assertEquals(outcome.toString(), Stage.COMMITTED, outcome.stage());
        assertTrue(outcome.bundles().toString(), outcome.bundles().get(0).startsWith(LOWRANK));
        List<Stage> stages = progress.stream().map(JobProgress::stage).distinct().toList();
        assertEquals(List.of(Stage.QUEUED, Stage.DOWNLOADING, Stage.VERIFYING, Stage.INSTALLING, Stage.STARTING,
                Stage.HEALTH_CHECK, Stage.COMMITTED), stages);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue("percent never goes down: " + progress, progress.get(i).percent() >= progress.get(i - 1).percent());
        }
        Bundle operator = bundle(LOWRANK);
        ModelControl control = service(ModelControl.class, 10_000);
        await("low-rank variants accepted", 30_000, () -> OperatorFeatures.settled(control, operator));
        assertTrue(control.status().variants().stream().filter(v -> v.bundleId() == operator.getBundleId())
                .allMatch(v -> v.accepted()));

        // the same request id again: the stored outcome, nothing run
        List<JobProgress> replayed = new CopyOnWriteArrayList<>();
        JobOutcome again = await(deployer().submit(request, replayed::add));
        assertEquals(outcome, again);
        assertEquals(List.of(Stage.COMMITTED), replayed.stream().map(JobProgress::stage).toList());
        assertEquals(operator.getBundleId(), bundle(LOWRANK).getBundleId());
        assertEquals(Optional.of(outcome), deployer().outcome("install-lowrank"));
    }

    @Test
    public void e_rollsBackAnUpdateThatFailsAndKeepsThePreviousVersion() throws Exception {
        Bundle operator = bundle(LOWRANK);
        String before = operator.getVersion().toString();
        Path broken = brokenLowrankJar();
        JobOutcome outcome = await(deployer().submit(request("update-broken", Action.UPDATE, Optional.of(LOWRANK),
                Optional.of(artifact(broken, sha256(broken), sign(broken), KEY_ID))), p -> { }));
        assertEquals(outcome.toString(), Stage.ROLLED_BACK, outcome.stage());
        assertEquals(Optional.of(DeploymentException.Code.RESOLVE_FAILED), outcome.error());
        Bundle restored = bundle(LOWRANK);
        assertEquals(operator.getBundleId(), restored.getBundleId());
        assertEquals(before, restored.getVersion().toString());
        assertEquals(Bundle.ACTIVE, restored.getState());
        ModelControl control = service(ModelControl.class, 10_000);
        await("low-rank variants accepted again", 30_000, () -> OperatorFeatures.settled(control, restored)
                && control.status().variants().stream().filter(v -> v.bundleId() == restored.getBundleId())
                        .allMatch(v -> v.accepted()));
    }

    @Test
    public void f_refusesFileUrlsOutsideTheDataDirectoryUntilTheirDirectoryIsConfigured() throws Exception {
        // where Maven built the operator: not a directory this gateway reads from
        Path outside = lowrankJar();
        JobOutcome refused = install("outside", artifact(outside, sha256(outside), sign(outside), KEY_ID));
        assertFailed(refused, DeploymentException.Code.SOURCE_NOT_ALLOWED);
        assertTrue(refused.message(), refused.message().contains("allowedFileDirectories"));
        Path escape = jars().resolve("../..").resolve(work().relativize(outside)); // data/jars/../../<up to it>
        assertFailed(install("dot-dot", artifact(escape, sha256(outside), sign(outside), KEY_ID)),
                DeploymentException.Code.SOURCE_NOT_ALLOWED);

        Path repository = Files.createDirectories(work().resolve("repository"));
        Path plain = writeJar(repository.resolve("plain.jar"), manifest("Main-Class", "x.Y"), List.of());
        Artifact fromRepository = artifact(plain, sha256(plain), sign(plain), KEY_ID);
        assertFailed(install("repository-refused", fromRepository), DeploymentException.Code.SOURCE_NOT_ALLOWED);

        ConfigurationAdmin cm = service(ConfigurationAdmin.class, 10_000);
        cm.getConfiguration("morphgate.deployment", "?").update(new Hashtable<>(Map.of("allowedFileDirectories",
                new String[] {repository.toString()})));
        await("the deployer with allowedFileDirectories", 30_000, () -> configuredDeployer().isPresent());
        JobOutcome read = await(configuredDeployer().orElseThrow().submit(request("repository-read", Action.INSTALL,
                Optional.empty(), Optional.of(fromRepository)), p -> { }));
        assertFailed(read, DeploymentException.Code.NOT_A_BUNDLE); // read and verified: refused for what it is
    }

    // --- helpers

    /** The deployer once it runs with allowedFileDirectories (DS publishes configuration properties). */
    private Optional<Deployer> configuredDeployer() {
        try {
            return context.getServiceReferences(Deployer.class, "(allowedFileDirectories=*)").stream().findFirst()
                    .map(context::getService);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Deployer deployer() {
        return service(Deployer.class, 10_000);
    }

    private JobOutcome install(String id, Artifact artifact) throws DeploymentException {
        return await(deployer().submit(request(id, Action.INSTALL, Optional.empty(), Optional.of(artifact)), p -> { }));
    }

    private static JobOutcome await(java.util.concurrent.CompletionStage<JobOutcome> stage) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("job did not end: " + e, e);
        }
    }

    private static void assertFailed(JobOutcome outcome, DeploymentException.Code code) {
        assertEquals(outcome.toString(), Optional.of(code), outcome.error());
        assertEquals(outcome.toString(), Stage.FAILED, outcome.stage());
    }

    private void assertNoBundle(String symbolicName) {
        assertFalse(symbolicName + " is installed", Arrays.stream(context.getBundles())
                .anyMatch(b -> symbolicName.equals(b.getSymbolicName())));
    }

    private static DeploymentRequest request(String id, Action action, Optional<String> bsn, Optional<Artifact> artifact) {
        return new DeploymentRequest(id, action, bsn, artifact, Optional.empty());
    }

    private static Artifact artifact(Path jar, String sha, String signature, String keyId) {
        return new Artifact(jar.toUri(), sha, Optional.ofNullable(signature), Optional.ofNullable(keyId), Optional.empty());
    }

    /** The low-rank jar where Maven built it. */
    private Path lowrankJar() {
        return Path.of(context.getProperty(LOWRANK_JAR));
    }

    /** The low-rank jar copied into the gateway's data directory. */
    private Path stagedLowrankJar() throws IOException {
        return Files.copy(lowrankJar(), jars().resolve("lowrank.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The low-rank jar at a higher version that imports a package nobody exports. */
    private Path brokenLowrankJar() throws IOException {
        try (JarFile source = new JarFile(lowrankJar().toFile())) {
            Manifest manifest = new Manifest(source.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue("Bundle-Version", "9.9.9");
            main.putValue("Import-Package", main.getValue("Import-Package") + ",io.example.missing");
            List<JarEntry> entries = source.stream().filter(e -> !e.getName().equals(JarFile.MANIFEST_NAME)).toList();
            Path target = jars().resolve("lowrank-broken.jar");
            try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest)) {
                for (JarEntry e : entries) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream in = source.getInputStream(e)) {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
            return target;
        }
    }

    private Path writeJar(String name, Manifest manifest, List<String> entries) throws IOException {
        return writeJar(jars().resolve(name), manifest, entries);
    }

    private static Path writeJar(Path target, Manifest manifest, List<String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (String e : entries) {
                jar.putNextEntry(new JarEntry(e));
                jar.closeEntry();
            }
        }
        return target;
    }

    private static Manifest manifest(String... headers) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < headers.length; i += 2) {
            manifest.getMainAttributes().putValue(headers[i], headers[i + 1]);
        }
        return manifest;
    }

    private Path work() {
        return Path.of(context.getProperty(WORK));
    }

    /** Where the tests put the jars they install: the gateway's data directory, from which file: URLs are read. */
    private Path jars() throws IOException {
        return Files.createDirectories(work().resolve("data/jars"));
    }

    private String sign(Path jar) {
        return new SignedJars(context).sign(jar);
    }

    private static String sha256(Path jar) {
        return SignedJars.sha256(jar);
    }
}
