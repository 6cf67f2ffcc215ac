package io.morphgate.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import com.hivemq.embedded.EmbeddedHiveMQ;

/** Each console command against an in-test HiveMQ broker and a fake gateway that answers like the control bundle. */
class CommandPayloadTest {

    @TempDir
    static Path brokerDir;
    @TempDir
    Path dir;

    private static EmbeddedHiveMQ broker;
    private static FakeGateway gateway;
    private static String url;

    @BeforeAll
    static void startBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = Files.createDirectories(brokerDir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <hivemq>
                  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        broker = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(brokerDir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(brokerDir.resolve("extensions")))
                .withoutLoggingBootstrap().build();
        broker.start().get(60, TimeUnit.SECONDS);
        url = "tcp://127.0.0.1:" + port;
        gateway = new FakeGateway(url, "gw-a", "gw-b");
    }

    @AfterAll
    static void stopBroker() throws Exception {
        gateway.close();
        broker.close();
    }

    @BeforeEach
    void forget() {
        gateway.received.clear();
        gateway.uploads.clear();
        gateway.refuseUploadsOn = null;
    }

    @Test
    void pinGoesToEveryGatewayWithItsOwnRequestId() {
        KeysTest.Result r = console("pin", "conv1", "lowrank-conv1-b0.5", "-g", "gw-a", "-g", "gw-b");
        assertEquals(0, r.exit(), r.out());
        assertEquals(2, gateway.received.size());
        for (FakeGateway.Received c : gateway.received) {
            assertEquals("pin", c.verb());
            assertEquals("conv1", c.payload().get("slot").getAsString());
            assertEquals("lowrank-conv1-b0.5", c.payload().get("variantId").getAsString());
            UUID.fromString(c.payload().get("requestId").getAsString());
        }
        assertTrue(r.out().contains("gw-a pin ok") && r.out().contains("gw-b pin ok"), r.out());
    }

    @Test
    void installSignsALocalJarUploadsItAndFollowsTheJob() throws Exception {
        Keys.generate(dir, "cloud-1");
        Path jar = Files.write(dir.resolve("op.jar"), new byte[] {1, 2, 3});
        KeysTest.Result r = console("install", jar.toString(), "--sign-with", dir.resolve("cloud-1.key").toString(),
                "-g", "gw-a");
        assertEquals(0, r.exit(), r.out());
        assertEquals(List.of("upload", "install"), gateway.received.stream().map(FakeGateway.Received::verb).toList(),
                "the jar goes first, then the install");
        JsonObject chunk = gateway.received.get(0).payload();
        String uploadId = chunk.get("uploadId").getAsString();
        assertEquals(0, chunk.get("index").getAsInt());
        assertEquals(1, chunk.get("count").getAsInt());
        assertArrayEquals(new byte[] {1, 2, 3}, uploaded("gw-a", uploadId, 1));
        JsonObject artifact = only("install").getAsJsonObject("artifact");
        assertEquals("upload:" + uploadId, artifact.get("url").getAsString());
        assertEquals(Keys.sha256(new byte[] {1, 2, 3}), artifact.get("sha256").getAsString());
        assertEquals(3, artifact.get("size").getAsLong());
        assertEquals("cloud-1", artifact.get("keyId").getAsString());
        assertTrue(Keys.verify(dir.resolve("cloud-1.pub"), new byte[] {1, 2, 3}, artifact.get("signature").getAsString()));
        assertTrue(r.out().contains("gw-a job VERIFY 50%"), r.out());
        assertTrue(r.out().contains("COMMITTED 100% committed -> done"), r.out());
        assertFalse(r.out().contains("DOWNLOAD"), "another job's event was shown: " + r.out());
    }

    @Test
    void aLargeJarGoesInChunksBelowThePayloadLimitWithProgress() throws Exception {
        byte[] bytes = new byte[100_000];
        new Random(3).nextBytes(bytes);
        Path jar = Files.write(dir.resolve("model.jar"), bytes);
        KeysTest.Result r = console("update", "io.example.model", jar.toString(), "--max-payload-bytes", "10000",
                "--signature", "c2ln", "--key-id", "cloud-1", "-g", "gw-a", "-g", "gw-b");
        assertEquals(0, r.exit(), r.out());
        int count = (int) Math.ceil(bytes.length / (double) JarUpload.chunkBytes(10_000));
        List<FakeGateway.Received> chunks = gateway.received.stream().filter(c -> c.verb().equals("upload")).toList();
        assertEquals(2 * count, chunks.size());
        for (FakeGateway.Received c : chunks) {
            assertTrue(c.payload().toString().getBytes(StandardCharsets.UTF_8).length < 10_000, "over the limit");
            assertEquals(count, c.payload().get("count").getAsInt());
        }
        String uploadId = chunks.get(0).payload().get("uploadId").getAsString();
        assertArrayEquals(bytes, uploaded("gw-a", uploadId, count));
        assertArrayEquals(bytes, uploaded("gw-b", uploadId, count));
        assertTrue(r.out().contains("upload " + uploadId + " 50%") && r.out().contains("100%: chunk " + count + " of "
                + count + ", 100000 of 100000 bytes"), r.out());
        List<FakeGateway.Received> updates = gateway.received.stream().filter(c -> c.verb().equals("update")).toList();
        assertEquals(2, updates.size());
        assertEquals("upload:" + uploadId, updates.get(0).payload().getAsJsonObject("artifact").get("url").getAsString());
    }

    @Test
    void aGatewayThatRefusesAChunkGetsNoInstallAndTheExitSaysSo() throws Exception {
        Path jar = Files.write(dir.resolve("op.jar"), new byte[30_000]);
        gateway.refuseUploadsOn = "gw-b";
        KeysTest.Result r = console("install", jar.toString(), "--max-payload-bytes", "10000", "--signature", "c2ln",
                "--key-id", "cloud-1", "-g", "gw-a", "-g", "gw-b");
        assertEquals(Console.EXIT_ERROR_REPLY, r.exit(), r.out());
        assertTrue(r.out().contains("gw-b upload error PAYLOAD_TOO_LARGE: upload too large (chunk 1 of"), r.out());
        assertEquals(1, gateway.received.stream().filter(c -> c.gateway().equals("gw-b")).count(),
                "gw-b was sent its first chunk only: " + gateway.received);
        assertEquals(List.of("gw-a"), gateway.received.stream().filter(c -> c.verb().equals("install"))
                .map(FakeGateway.Received::gateway).toList());
        assertTrue(r.out().contains("gw-a job COMMITTED"), r.out());
    }

    @Test
    void aLocalJarGivenAnUrlIsNotUploaded() throws Exception {
        Path jar = Files.write(dir.resolve("op.jar"), new byte[] {1, 2, 3});
        assertEquals(0, console("install", jar.toString(), "--url", "https://cdn.example/op.jar", "--signature", "c2ln",
                "--key-id", "cloud-1", "-g", "gw-a").exit());
        assertEquals("https://cdn.example/op.jar", only("install").getAsJsonObject("artifact").get("url").getAsString());
    }

    @Test
    void updateAndInstallFromAUrlSendWhatTheyAreGiven() {
        String sha = "a".repeat(64);
        assertEquals(0, console("update", "io.morphgate.operator.fire", "https://cdn.example/fire.jar", "--sha256", sha,
                "--signature", "c2ln", "--key-id", "cloud-1", "--size", "1234", "-g", "gw-b").exit());
        JsonObject update = only("update");
        assertEquals("io.morphgate.operator.fire", update.get("symbolicName").getAsString());
        JsonObject artifact = update.getAsJsonObject("artifact");
        assertEquals("https://cdn.example/fire.jar", artifact.get("url").getAsString());
        assertEquals(sha, artifact.get("sha256").getAsString());
        assertEquals("c2ln", artifact.get("signature").getAsString());
        assertEquals("cloud-1", artifact.get("keyId").getAsString());
        assertEquals(1234, artifact.get("size").getAsLong());
        assertEquals(2, console("install", "https://cdn.example/fire.jar", "-g", "gw-b").exit(), "no --sha256: usage");
    }

    @Test
    void bundleVerbsCarryTheSymbolicName() {
        for (String verb : List.of("start", "stop", "uninstall")) {
            gateway.received.clear();
            assertEquals(0, console(verb, "io.morphgate.operator.lowrank", "-g", "gw-a").exit());
            assertEquals("io.morphgate.operator.lowrank", only(verb).get("symbolicName").getAsString());
        }
    }

    @Test
    void queriesBudgetAndUnpin() {
        assertEquals(0, console("list", "-g", "gw-a").exit());
        assertEquals(1, only("bundles").size(), "list sends only the requestId");
        gateway.received.clear();
        assertEquals(0, console("budget", "--max-latency-ms", "5", "--max-macs", "4000000", "-g", "gw-a").exit());
        JsonObject budget = only("budget");
        assertEquals(5, budget.get("maxLatencyMillis").getAsLong());
        assertEquals(4_000_000, budget.get("maxMacs").getAsLong());
        assertFalse(budget.has("maxParams"));
        assertFalse(budget.has("model"), "without --model: the gateway's limits");
        gateway.received.clear();
        assertEquals(0, console("budget", "--model", "resnet18", "--max-latency-ms", "40", "-g", "gw-a").exit());
        assertEquals("resnet18", only("budget").get("model").getAsString());
        gateway.received.clear();
        assertEquals(0, console("unpin", "conv3", "-g", "gw-a").exit());
        assertEquals("conv3", only("unpin").get("slot").getAsString());
        gateway.received.clear();
        assertEquals(0, console("variants", "-g", "gw-a").exit());
        assertEquals(0, console("status", "-g", "gw-a").exit());
    }

    @Test
    void modelListAndActivateSendTheModelVerbWithTheirAction() {
        KeysTest.Result r = console("model", "list", "-g", "gw-a");
        assertEquals(0, r.exit(), r.out());
        JsonObject list = only("model");
        assertEquals("list", list.get("action").getAsString());
        assertEquals(2, list.size(), "requestId and action only: " + list);
        assertTrue(r.out().contains("gw-a model ok"), r.out());
        gateway.received.clear();

        r = console("model", "activate", "resnet18", "-g", "gw-a", "-g", "gw-b");
        assertEquals(0, r.exit(), r.out());
        assertEquals(2, gateway.received.size());
        for (FakeGateway.Received c : gateway.received) {
            assertEquals("model", c.verb());
            assertEquals("activate", c.payload().get("action").getAsString());
            assertEquals("resnet18", c.payload().get("id").getAsString());
        }
        assertEquals(2, console("model", "activate", "-g", "gw-a").exit(), "no model id: usage");
    }

    @Test
    void installTakesTheSignatureFileThatModelPackageWrites() throws Exception {
        Keys.generate(dir, "cloud-1");
        Path jar = dir.resolve("model.jar");
        KeysTest.Result packaged = KeysTest.run("model", "package", ModelFixtures.fashionMnistOnnx().toString(),
                "--id", "fashion-mnist", "--sign-with", dir.resolve("cloud-1.key").toString(), "--out", jar.toString());
        assertEquals(0, packaged.exit(), packaged.out());
        KeysTest.Result r = console("install", jar.toString(), "--signature-file", dir.resolve("model.sig.json").toString(),
                "-g", "gw-a");
        assertEquals(0, r.exit(), r.out());
        JsonObject artifact = only("install").getAsJsonObject("artifact");
        byte[] bytes = Files.readAllBytes(jar);
        assertEquals(Keys.sha256(bytes), artifact.get("sha256").getAsString());
        assertEquals(bytes.length, artifact.get("size").getAsLong());
        assertEquals("cloud-1", artifact.get("keyId").getAsString());
        assertTrue(Keys.verify(dir.resolve("cloud-1.pub"), bytes, artifact.get("signature").getAsString()));

        gateway.received.clear();
        Path other = Files.write(dir.resolve("other.jar"), new byte[] {1, 2, 3});
        r = console("install", other.toString(), "--signature-file", dir.resolve("model.sig.json").toString(),
                "-g", "gw-a");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("is the signature of another jar"), r.out());
        assertTrue(gateway.received.isEmpty(), "a mismatched signature was sent");
    }

    @Test
    void anErrorReplyIsANonZeroExit() {
        KeysTest.Result r = console("stop", "io.morphgate.onnxruntime", "-g", "gw-a");
        assertEquals(Console.EXIT_ERROR_REPLY, r.exit());
        assertTrue(r.out().contains("gw-a stop error PROTECTED_BUNDLE: io.morphgate.onnxruntime is protected"), r.out());
    }

    @Test
    void aSilentGatewayTimesOut() {
        KeysTest.Result r = console("status", "-g", "gw-a", "-g", "gw-silent", "--timeout", "1");
        assertEquals(Console.EXIT_NO_REPLY, r.exit(), r.out());
        assertTrue(r.out().contains("gw-a status ok"), r.out());
        assertTrue(r.out().contains("gw-silent status timeout"), r.out());
    }

    /** The bytes gateway received as uploadId, its chunks in order; fails if one of the count is missing. */
    private static byte[] uploaded(String gatewayId, String uploadId, int count) throws Exception {
        Map<Integer, byte[]> chunks = gateway.uploads.get(gatewayId + "/" + uploadId);
        assertNotNull(chunks, "nothing uploaded to " + gatewayId);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            assertNotNull(chunks.get(i), "chunk " + i + " missing on " + gatewayId);
            all.write(chunks.get(i));
        }
        assertEquals(count, chunks.size());
        return all.toByteArray();
    }

    /** The one command received besides the uploads of a local jar: of {@code verb}. */
    private JsonObject only(String verb) {
        List<FakeGateway.Received> commands = gateway.received.stream().filter(c -> !c.verb().equals("upload")).toList();
        assertEquals(1, commands.size(), gateway.received.toString());
        assertEquals(verb, commands.get(0).verb());
        return commands.get(0).payload();
    }

    private static KeysTest.Result console(String... args) {
        String[] withBroker = new String[args.length + 2];
        System.arraycopy(args, 0, withBroker, 0, args.length);
        withBroker[args.length] = "--broker";
        withBroker[args.length + 1] = url;
        return KeysTest.run(withBroker);
    }
}
