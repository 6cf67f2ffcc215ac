package io.morphgate.inference.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.QueueStatistics;
import io.morphgate.mqtt.client.TlsTestBroker;

/** Inference over MQTT reaches a TLS broker as the control link does: trusting the CA file, with its credentials. */
class MqttInferenceTlsTest {

    @TempDir
    Path dir;

    private static final PredictionService UNUSED = new PredictionService() {
        @Override
        public CompletionStage<Prediction> predict(String mediaType, byte[] body, int topClasses) {
            throw new AssertionError("no request is sent");
        }

        @Override
        public QueueStatistics statistics() {
            throw new AssertionError("not asked");
        }
    };

    @Test
    void connectsOverTlsTrustingTheCaFileWithTheUserAndThePasswordFromItsFile() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "device-secret\n");
        try (TlsTestBroker broker = new TlsTestBroker(dir, "broker")) {
            int port = broker.listen(0);
            MqttInference inference = new MqttInference(UNUSED, context(Map.of("morphgate.gateway.id", "gw-tls")),
                    configuration(Map.of("brokerUrl", "ssl://localhost:" + port, "username", "gw-tls",
                            "passwordFile", password.toString(), "caCertificateFile", broker.caFile().toString())));
            try {
                TlsTestBroker.Connect connect = broker.awaitConnect(15)
                        .orElseThrow(() -> new AssertionError("inference over MQTT never connected over TLS"));
                assertEquals("gw-tls-inference", connect.clientId());
                assertEquals(Optional.of("gw-tls"), connect.username());
                assertEquals(Optional.of("device-secret"), connect.password());
                assertTrue(connect.cleanSession());
            } finally {
                inference.deactivate();
            }
        }
    }

    /** A bundle context that only answers framework properties. */
    private static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The configuration with its defaults, as SCR would hand it over, with {@code values} set. */
    private static MqttInferenceConfiguration configuration(Map<String, Object> values) {
        return (MqttInferenceConfiguration) Proxy.newProxyInstance(MqttInferenceConfiguration.class.getClassLoader(),
                new Class<?>[] {MqttInferenceConfiguration.class}, (proxy, method, args) -> {
                    Object value = values.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }
}
