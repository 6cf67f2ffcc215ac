package io.morphgate.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.model.IdxImages;
import io.morphgate.deployment.internal.GatewayVerification;
import io.morphgate.model.ModelBundleFormat;
import io.morphgate.model.ModelDescriptors;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.ValueInfos;

/** model package: the jar it writes, what it prints first, and what it refuses. */
class ModelPackageCommandTest {

    @TempDir
    Path dir;

    @Test
    void fashionMnistPackagesWithItsManifestDescriptorAndNoCalibration() throws Exception {
        Path onnx = ModelFixtures.fashionMnistOnnx();
        Path jar = dir.resolve("fashion-mnist.jar");
        KeysTest.Result r = KeysTest.run("model", "package", onnx.toString(), "--id", "fashion-mnist", "--version",
                "2.1", "--labels", ModelFixtures.labels(dir, ModelFixtures.FASHION_MNIST_LABELS).toString(),
                "--mean", "0.286", "--std", "0.353", "--test-accuracy", "0.9317", "--out", jar.toString());
        assertEquals(0, r.exit(), r.out());

        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes main = file.getManifest().getMainAttributes();
            assertEquals("1.0", main.getValue("Manifest-Version"));
            assertEquals("2", main.getValue("Bundle-ManifestVersion"));
            assertEquals("morphgate.model.fashion-mnist", main.getValue("Bundle-SymbolicName"));
            assertEquals("2.1", main.getValue("Bundle-Version"));
            assertEquals(ModelBundleFormat.DESCRIPTOR_PATH, main.getValue(ModelBundleFormat.HEADER));
            assertEquals(ModelBundleFormat.REQUIRE_EXTENDER, main.getValue("Require-Capability"));
            assertTrue(main.getValue("Bundle-Name").contains("fashion-mnist"));

            ModelDescriptor d = ModelDescriptors.read(file.getInputStream(file.getEntry("model/model.json")));
            assertEquals("fashion-mnist", d.id());
            assertEquals("2.1", d.version());
            assertEquals("model.onnx", d.onnx());
            assertEquals(new ModelDescriptor.Input("image", 1, 28, 28, 0, ModelDescriptor.ChannelOrder.RGB,
                    List.of(0.286), List.of(0.353)), d.input());
            assertEquals("logits", d.output().tensor());
            assertEquals(ModelFixtures.FASHION_MNIST_LABELS, d.labels());
            assertEquals(0.9317, d.testAccuracy());
            assertNull(d.calibration());
            assertNull(file.getEntry("model/calibration.idx"));
            assertArrayEquals(Files.readAllBytes(onnx), file.getInputStream(file.getEntry("model/model.onnx")).readAllBytes(),
                    "the ONNX file is carried unchanged");
        }
        assertTrue(r.out().contains("input  image [N,1,28,28]: 1 channel(s) 28x28"), r.out());
        assertTrue(r.out().contains("output logits [N,10]: 10 classes"), r.out());
        assertTrue(r.out().contains("slots  5 candidate(s)"), r.out());
        assertTrue(r.out().contains("conv1/Conv_3: 3x3 conv 16->32"), r.out());
        assertTrue(r.out().indexOf("slots ") < r.out().indexOf("wrote "), "the report comes before the jar: " + r.out());
        assertTrue(r.out().contains("warning: no --calibration"), r.out());
    }

    @Test
    void fashionMnistCalibrationComesFromDebiansTestImages() throws Exception {
        assumeTrue(Files.isRegularFile(ModelFixtures.FASHION_MNIST_TEST_IMAGES),
                "Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)");
        Path jar = dir.resolve("fm.jar");
        KeysTest.Result r = KeysTest.run("model", "package", ModelFixtures.fashionMnistOnnx().toString(), "--id",
                "fashion-mnist", "--labels", ModelFixtures.labels(dir, ModelFixtures.FASHION_MNIST_LABELS).toString(),
                "--mean", "0.286", "--std", "0.353", "--calibration", ModelFixtures.FASHION_MNIST_TEST_IMAGES.toString(),
                "--calibration-count", "100", "--out", jar.toString());
        assertEquals(0, r.exit(), r.out());
        try (JarFile file = new JarFile(jar.toFile())) {
            ModelDescriptor d = ModelDescriptors.read(file.getInputStream(file.getEntry("model/model.json")));
            assertEquals("calibration.idx", d.calibration());
            byte[] idx = file.getInputStream(file.getEntry("model/calibration.idx")).readAllBytes();
            DataInputStream header = new DataInputStream(new java.io.ByteArrayInputStream(idx));
            assertEquals(IdxImages.GREY, header.readInt());
            assertEquals(100, header.readInt());
            assertEquals(28, header.readInt());
            assertEquals(28, header.readInt());
            assertEquals(16 + 100 * 28 * 28, idx.length);
            byte[] first = IdxImages.read(ModelFixtures.FASHION_MNIST_TEST_IMAGES, 1).images().get(0);
            assertArrayEquals(first, Arrays.copyOfRange(idx, 16, 16 + 28 * 28), "28x28 images are stored as they are");
        }
        assertTrue(r.out().contains("calibration 100 grey image(s) of 28x28"), r.out());
    }

    @Test
    void aSignedPackagePassesTheGatewaysVerificationAndATamperedOneDoesNot() throws Exception {
        Keys.generate(dir, "cloud-1");
        Path jar = dir.resolve("fm.jar");
        KeysTest.Result r = KeysTest.run("model", "package", ModelFixtures.fashionMnistOnnx().toString(), "--id",
                "fashion-mnist", "--sign-with", dir.resolve("cloud-1.key").toString(), "--out", jar.toString());
        assertEquals(0, r.exit(), r.out());
        Path signatureFile = dir.resolve("fm.sig.json");
        assertTrue(r.out().contains("--signature-file " + signatureFile), r.out());
        JsonObject signed = JsonParser.parseString(Files.readString(signatureFile)).getAsJsonObject();
        assertEquals("cloud-1", signed.get("keyId").getAsString());

        assertEquals("morphgate.model.fashion-mnist 1.0.0", GatewayVerification.verify(jar, dir,
                signed.get("sha256").getAsString(), signed.get("signature").getAsString(), "cloud-1",
                signed.get("size").getAsLong()));

        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 1;
        Path tampered = Files.write(dir.resolve("tampered.jar"), bytes);
        DeploymentException refused = assertThrows(DeploymentException.class, () -> GatewayVerification.verify(
                tampered, dir, Keys.sha256(bytes), signed.get("signature").getAsString(), "cloud-1", bytes.length));
        assertEquals(DeploymentException.Code.SIGNATURE_INVALID, refused.code());
    }

    @Test
    void theSameInputsGiveTheSameBytes() throws Exception {
        Path onnx = ModelFixtures.fashionMnistOnnx();
        Path a = dir.resolve("a.jar");
        Path b = dir.resolve("b.jar");
        assertEquals(0, KeysTest.run("model", "package", onnx.toString(), "--id", "fm", "--out", a.toString()).exit());
        Thread.sleep(2100); // a time stamp taken from the clock would differ now (zip times have 2 s steps)
        assertEquals(0, KeysTest.run("model", "package", onnx.toString(), "--id", "fm", "--out", b.toString()).exit());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void corruptOnnxBytesAreRefusedInOneLine() throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), "this is not a protobuf \u0000\u0001\u0002".getBytes());
        KeysTest.Result r = refused(corrupt, "--id", "broken");
        assertTrue(r.out().startsWith("error: " + corrupt + " is not a readable ONNX model"), r.out());
        assertEquals(1, r.out().strip().lines().count(), r.out());
    }

    @Test
    void aLabelsFileThatDoesNotMatchTheClassesIsRefused() throws IOException {
        Path labels = ModelFixtures.labels(dir, ModelFixtures.FASHION_MNIST_LABELS.subList(0, 9));
        KeysTest.Result r = refused(ModelFixtures.fashionMnistOnnx(), "--id", "fm", "--labels", labels.toString());
        assertTrue(r.out().contains("error: labels file " + labels + " has 9 label(s), but output logits has 10 classes"),
                r.out());
    }

    @Test
    void meanAndStdNeedOneValuePerChannel() throws IOException {
        KeysTest.Result r = refused(ModelFixtures.fashionMnistOnnx(), "--id", "fm", "--mean", "0.5,0.5,0.5");
        assertTrue(r.out().contains("error: --mean has 3 value(s), but the model's input has 1 channel(s)"), r.out());
        r = refused(ModelFixtures.colourModel(dir), "--id", "c", "--mean", "0.5,0.5,0.5", "--std", "0.2,0");
        assertTrue(r.out().contains("error: --std has 2 value(s), but the model's input has 3 channel(s)"), r.out());
        r = refused(ModelFixtures.colourModel(dir), "--id", "c", "--mean", "0.5,0.5,0.5", "--std", "0.2,0.2,0");
        assertTrue(r.out().contains("error: the model descriptor would be invalid: input.std values must be finite "
                + "and positive, not 0.0"), r.out());
    }

    @Test
    void aCalibrationFolderWithoutImagesIsRefused() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("calibration"));
        Files.writeString(empty.resolve("notes.txt"), "no images here");
        KeysTest.Result r = refused(ModelFixtures.colourModel(dir), "--id", "c", "--calibration", empty.toString());
        assertTrue(r.out().contains("error: calibration folder " + empty + " holds no PNG or JPEG file"), r.out());
    }

    @Test
    void aGraphWithTwoInputsIsRefused() throws IOException {
        GraphBuilder b = new GraphBuilder("two");
        String t = b.add(b.input("left", 3, 4, 4), b.input("right", 3, 4, 4));
        t = b.gemm(b.flatten(b.globalAveragePool(t)), new float[2 * 3], 2, 3, null);
        Path onnx = dir.resolve("two.onnx");
        OnnxModelIO.write(b.output(t, "y", 2).build(), onnx);
        KeysTest.Result r = refused(onnx, "--id", "two");
        assertTrue(r.out().contains("error: the graph has 2 inputs [left, right]; the gateway serves models with "
                + "exactly one image input"), r.out());
    }

    @Test
    void aNamedInputOrSizeThatIsNotTheGraphsIsRefused() throws IOException {
        KeysTest.Result r = refused(ModelFixtures.fashionMnistOnnx(), "--id", "fm", "--input-tensor", "input");
        assertTrue(r.out().contains("error: the graph's input is image, not input"), r.out());
        r = refused(ModelFixtures.fashionMnistOnnx(), "--id", "fm", "--size", "32x32");
        assertTrue(r.out().contains("error: input image has shape [N,1,28,28], not 32x32 as --size says"), r.out());
    }

    @Test
    void aSymbolicHeightAndWidthNeedSizeWhichTheDescriptorThenFixes() throws Exception {
        ModelProto fixed = OnnxModelIO.read(ModelFixtures.colourModel(dir));
        ModelProto.Builder symbolic = fixed.toBuilder();
        symbolic.getGraphBuilder().setInput(0, ValueInfos.floatTensor("pixels", new long[] {-1, 3, -1, -1}));
        Path onnx = dir.resolve("symbolic.onnx");
        OnnxModelIO.write(symbolic.build(), onnx);

        KeysTest.Result r = refused(onnx, "--id", "s");
        assertTrue(r.out().contains("error: input pixels has shape [N,3,N,N]: its height or width is symbolic; give "
                + "--size HxW"), r.out());

        Path jar = dir.resolve("s.jar");
        r = KeysTest.run("model", "package", onnx.toString(), "--id", "s", "--size", "8x8", "--out", jar.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("warning: the graph's input height and width are symbolic; the descriptor fixes "
                + "them at 8x8"), r.out());
        try (JarFile file = new JarFile(jar.toFile())) {
            ModelDescriptor d = ModelDescriptors.read(file.getInputStream(file.getEntry("model/model.json")));
            assertEquals(8, d.input().height());
            assertEquals(8, d.input().width());
            assertArrayEquals(Files.readAllBytes(onnx), file.getInputStream(file.getEntry("model/model.onnx"))
                    .readAllBytes(), "the graph is carried as exported, symbolic");
        }
    }

    @Test
    void theSkippedConvolutionsArePrintedWithTheirReasons() throws IOException {
        KeysTest.Result r = KeysTest.run("model", "package", ModelFixtures.colourModel(dir).toString(), "--id", "c",
                "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--out", dir.resolve("c.jar").toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("slots  1 candidate(s)\n  conv/Conv_0: 3x3 conv 3->4, stride 1x1, pads [1, 1, 1, 1], then Relu"),
                r.out());
        assertTrue(r.out().contains("skipped 2 convolution(s)\n  depthwise/Conv_2: depthwise convolution (group 4)\n"
                + "  pointwise/Conv_3: 1x1 kernel"), r.out());
        assertFalse(r.out().contains("warning: no --mean"), r.out());
    }

    private KeysTest.Result refused(Path onnx, String... options) {
        Path jar = dir.resolve("refused.jar");
        String[] args = new String[options.length + 5];
        args[0] = "model";
        args[1] = "package";
        args[2] = onnx.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 2] = "--out";
        args[args.length - 1] = jar.toString();
        KeysTest.Result r = KeysTest.run(args);
        assertEquals(Console.EXIT_REFUSED, r.exit(), r.out());
        assertFalse(Files.exists(jar), "a refused model left a jar");
        return r;
    }
}
