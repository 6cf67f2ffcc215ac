package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Assume;
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

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.api.deployment.Artifact;
import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.DeploymentRequest.Action;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress.Stage;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Model bundles in the assembled gateway: installed through the verified deployer (SHA-256, Ed25519, health check,
 * rollback) like any bundle; a corrupt ONNX file, NaN outputs, a missing or forged signature refused with the
 * Fashion-MNIST model still serving; a torchvision ResNet-18 exported by {@code torch.onnx.export} installed beside
 * it; switching between the two under inference load with no failed request; the active model and its pins kept
 * across a restart of the backbone; uninstalling the serving model falls back to the other. One framework; the tests
 * run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ModelBundlesIT extends TestSupport {

    private static final String FASHION = "fashion-mnist";
    private static final String RESNET = "resnet18";
    private static final String EXPORTED = "morphgate.itests.models.exported";

    @Configuration
    public Option[] configuration() throws Exception {
        Path work = Path.of(System.getProperty("morphgate.itests.target", "target"), "models-it",
                UUID.randomUUID().toString()).toAbsolutePath();
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions("morphgate-core", "morphgate-serving")));
        options.addAll(SignedJars.trustedKey(work.resolve("home")));
        options.add(frameworkProperty("morphgate.home").value(work.resolve("home").toString()));
        options.add(frameworkProperty("morphgate.data.dir").value(work.resolve("data").toString()));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(ServingInputs.freePort())));
        options.add(frameworkProperty(EXPORTED).value(ExportedModels.folder().map(Path::toString).orElse("")));
        return options.toArray(Option[]::new);
    }

    @Test
    public void a_aModelWhoseOnnxIsCorruptIsRolledBackAndTheServingModelStays() throws Exception {
        Map<String, byte[]> files = fashionFiles();
        files.put("backbone.onnx", Arrays.copyOf(files.get("backbone.onnx"), 5000));
        JobOutcome outcome = install("corrupt", ModelBundleJars.write(jars().resolve("corrupt.jar"),
                fashionDescriptor("corrupt"), files));
        assertRefusedByHealthCheck(outcome, "not a readable ONNX model");
        assertNoBundle("morphgate.model.corrupt");
        assertServing(FASHION);
    }

    @Test
    public void b_aModelWithNonFiniteOutputsIsRolledBack() throws Exception {
        Map<String, byte[]> files = fashionFiles();
        ModelProto model = OnnxModelIO.read(new java.io.ByteArrayInputStream(files.get("backbone.onnx")));
        // the classifier's bias: every logit becomes NaN
        TensorProto bias = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getDimsCount() == 1 && t.getDims(0) == 10).reduce((a, b) -> b).orElseThrow();
        TensorProto poisoned = bias.toBuilder().clearFloatData().clearRawData().addAllFloatData(
                java.util.Collections.nCopies(10, Float.NaN)).build();
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().setInitializer(model.getGraph().getInitializerList().indexOf(bias), poisoned);
        files.put("backbone.onnx", OnnxModelIO.write(builder.build()));
        JobOutcome outcome = install("nan", ModelBundleJars.write(jars().resolve("nan.jar"), fashionDescriptor("nan"),
                files));
        assertRefusedByHealthCheck(outcome, "non-finite outputs");
        assertNoBundle("morphgate.model.nan");
        assertServing(FASHION);
    }

    @Test
    public void c_unsignedAndTamperedModelBundlesAreRefused() throws Exception {
        Path jar = ModelBundleJars.write(jars().resolve("copy.jar"), fashionDescriptor("copy"), fashionFiles());
        Artifact signed = signer().signed(jar);
        Artifact unsigned = new Artifact(jar.toUri(), signed.sha256(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertEquals(Optional.of(DeploymentException.Code.SIGNATURE_MISSING), await(submit("unsigned", unsigned)).error());
        Path tampered = jars().resolve("tampered.jar");
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tampered, bytes);
        Artifact forged = new Artifact(tampered.toUri(), SignedJars.sha256(tampered), signed.signature(),
                signed.keyId(), Optional.empty());
        assertEquals(Optional.of(DeploymentException.Code.SIGNATURE_INVALID), await(submit("tampered", forged)).error());
        assertNoBundle("morphgate.model.copy");
    }

    @Test
    public void d_twoModelsSwitchUnderInferenceLoadWithoutAFailedRequest() throws Exception {
        installResnet();
        PredictionService serving = service(PredictionService.class, 10_000);
        List<byte[]> images = images(16);
        AtomicInteger fashion = new AtomicInteger();
        AtomicInteger resnet = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        AtomicInteger switches = new AtomicInteger();
        for (int c = 0; c < 3; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = 0; switches.get() < 4 && System.nanoTime() < until; i++) {
                    try {
                        Prediction p = serving.predict("image/png", images.get((i + client) % images.size()), 1)
                                .toCompletableFuture().get(30, TimeUnit.SECONDS);
                        (p.topClasses().get(0).label().matches("\\d+") ? resnet : fashion).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            }, "model-switch-client-" + c);
            t.start();
            clients.add(t);
        }
        ModelControl control = service(ModelControl.class, 10_000);
        for (String id : List.of(RESNET, FASHION, RESNET, FASHION)) {
            Thread.sleep(400);
            ModelStatus status = control.activateModel(id).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(id, status.model().orElseThrow().id());
            switches.incrementAndGet();
        }
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
        System.out.printf("model switches under load: %d requests answered by the ResNet, %d by the Fashion-MNIST"
                + " model, %d failed%n", resnet.get(), fashion.get(), failed.get());
        assertEquals("failed requests (first: " + firstFailure.get() + ")", 0, failed.get());
        assertTrue("the ResNet served " + resnet.get() + " requests", resnet.get() > 0);
        assertTrue("the Fashion-MNIST model served " + fashion.get() + " requests", fashion.get() > 0);
        assertServing(FASHION);
    }

    @Test
    public void e_restartKeepsTheActiveModelAndEachModelsPins() throws Exception {
        installResnet();
        ModelControl control = service(ModelControl.class, 10_000);
        control.pin("conv2", "default").toCompletableFuture().get(30, TimeUnit.SECONDS);
        control.activateModel(RESNET).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Bundle backbone = bundle("io.morphgate.backbone");
        backbone.stop();
        backbone.start();
        ModelControl restarted = service(ModelControl.class, 10_000);
        await("the ResNet serving again after the restart", 60_000, () -> restarted.status().model()
                .map(m -> m.id().equals(RESNET)).orElse(false));
        ModelStatus fashion = restarted.activateModel(FASHION).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(Optional.of("default"), fashion.slots().stream().filter(s -> s.spec().name().equals("conv2"))
                .findFirst().orElseThrow().pinnedVariant());
        restarted.unpin("conv2").toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    public void f_uninstallingTheServingModelFallsBackToTheOther() throws Exception {
        installResnet();
        ModelControl control = service(ModelControl.class, 10_000);
        control.activateModel(RESNET).toCompletableFuture().get(60, TimeUnit.SECONDS);
        JobOutcome outcome = await(deployer().submit(new DeploymentRequest("uninstall-resnet", Action.UNINSTALL,
                Optional.of("morphgate.model." + RESNET), Optional.empty(), Optional.empty()), p -> { }));
        assertEquals(outcome.toString(), Stage.COMMITTED, outcome.stage());
        await("the Fashion-MNIST model serving again", 30_000, () -> control.status().model()
                .map(m -> m.id().equals(FASHION)).orElse(false));
        assertTrue(control.models().stream().noneMatch(m -> m.id().equals(RESNET)));
    }

    private void installResnet() throws Exception {
        if (control().models().stream().anyMatch(m -> m.id().equals(RESNET))) {
            return;
        }
        String folder = context.getProperty(EXPORTED);
        Assume.assumeTrue("no exported models (run models/export/export_torchvision.py, see ExportedModels)",
                !folder.isEmpty());
        JobOutcome outcome = install("resnet18", ModelBundleJars.exported(jars().resolve("resnet18.jar"),
                Path.of(folder), RESNET));
        assertEquals(outcome.toString(), Stage.COMMITTED, outcome.stage());
        InstalledModel resnet = control().models().stream().filter(m -> m.id().equals(RESNET)).findFirst().orElseThrow();
        assertEquals(InstalledModel.State.AVAILABLE, resnet.state());
        assertEquals("3x64x64", resnet.descriptor().orElseThrow().input().shape().toString());
    }

    /** The Fashion-MNIST model's files as its bundle ships them (all but the descriptor), by name. */
    private Map<String, byte[]> fashionFiles() throws IOException {
        Bundle model = bundle("morphgate.model.fashion-mnist");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : List.of("backbone.onnx", "slots.json", "calibration-images.idx")) {
            try (InputStream in = model.getEntry("model/" + name).openStream()) {
                files.put(name, in.readAllBytes());
            }
        }
        return files;
    }

    private String fashionDescriptor(String id) throws IOException {
        try (InputStream in = bundle("morphgate.model.fashion-mnist").getEntry("model/model.json").openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\"fashion-mnist\"", "\"" + id + "\"");
        }
    }

    /** Grey and colour PNGs of assorted sizes: each model scales them to its own input. */
    private static List<byte[]> images(int count) {
        Random random = new Random(7);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = 20 + random.nextInt(60);
            BufferedImage image = new BufferedImage(size, size, i % 2 == 0 ? BufferedImage.TYPE_BYTE_GRAY
                    : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    image.setRGB(x, y, random.nextInt(0x1000000));
                }
            }
            images.add(ServingInputs.encode(image, "png"));
        }
        return images;
    }

    private void assertRefusedByHealthCheck(JobOutcome outcome, String reason) {
        assertEquals(outcome.toString(), Optional.of(DeploymentException.Code.HEALTH_CHECK_FAILED), outcome.error());
        assertTrue(outcome.toString(), outcome.toString().contains(reason));
    }

    private void assertServing(String id) {
        ModelStatus status = control().status();
        assertEquals(ModelStatus.State.SERVING, status.state());
        assertEquals(id, status.model().orElseThrow().id());
    }

    private void assertNoBundle(String symbolicName) {
        assertFalse(symbolicName + " is installed", Arrays.stream(context.getBundles())
                .anyMatch(b -> symbolicName.equals(b.getSymbolicName())));
    }

    private JobOutcome install(String id, Path jar) throws DeploymentException {
        return await(submit(id, signer().signed(jar)));
    }

    private java.util.concurrent.CompletionStage<JobOutcome> submit(String id, Artifact artifact)
            throws DeploymentException {
        return deployer().submit(new DeploymentRequest(id, Action.INSTALL, Optional.empty(), Optional.of(artifact),
                Optional.empty()), p -> { });
    }

    private static JobOutcome await(java.util.concurrent.CompletionStage<JobOutcome> stage) {
        try {
            return stage.toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("job did not end: " + e, e);
        }
    }

    private ModelControl control() {
        return service(ModelControl.class, 10_000);
    }

    private Deployer deployer() {
        return service(Deployer.class, 10_000);
    }

    private SignedJars signer() {
        return new SignedJars(context);
    }

    /** Where the test writes its jars: the gateway's data directory, from which file: URLs may be read. */
    private Path jars() throws IOException {
        return Files.createDirectories(Path.of(context.getProperty("morphgate.data.dir"), "jars"));
    }
}
