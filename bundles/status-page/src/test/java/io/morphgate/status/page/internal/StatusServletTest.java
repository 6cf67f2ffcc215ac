package io.morphgate.status.page.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.ServingJson;

/** status.json as a browser gets it: strict JSON, the telemetry message's fields, the status reply's model. */
class StatusServletTest {

    private static final ServingStatistics IDLE = new ServingStatistics(60, 0, 0, 0, Double.NaN, Double.NaN, 0);

    @Test
    void statusJsonIsStrictJsonWithTheWireFormsOfTheRecords() throws Exception {
        ModelStatus status = serving();
        StatusServlet servlet = new StatusServlet(context(), proxy(ModelControl.class, "status", status),
                proxy(InferenceService.class, "statistics", IDLE), configuration());
        try {
            String body = get(servlet);
            assertFalse(body.contains("NaN"), body);
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(Strictness.STRICT);
            JsonObject json = JsonParser.parseReader(reader).getAsJsonObject();

            JsonObject telemetry = json.getAsJsonObject("telemetry");
            assertEquals(ServingJson.telemetry(status, IDLE, 0).keySet(), telemetry.keySet());
            assertTrue(telemetry.get("p50LatencyMillis").isJsonNull());
            assertEquals("fashion-mnist", telemetry.getAsJsonObject("model").get("id").getAsString());

            JsonObject model = json.getAsJsonObject("model");
            // the operators' skipped slots beside the variants (no operator reports here), derivations at the top
            assertEquals(new JsonArray(), model.remove("skipped"));
            assertEquals(ModelJson.detail(status), model);
            assertEquals(new JsonArray(), json.getAsJsonArray("derivations"));
            JsonObject operator = json.getAsJsonArray("operators").get(0).getAsJsonObject();
            assertEquals("io.morphgate.operator.lowrank", operator.get("symbolicName").getAsString());
            assertEquals("RESOLVED", operator.get("state").getAsString());
            assertEquals(1, operator.get("variantsOffered").getAsInt());
        } finally {
            servlet.deactivate();
        }
    }

    private static String get(StatusServlet servlet) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                StatusServletTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (p, m, args) -> m.getName().equals("getOutputStream") ? out : null);
        servlet.doGet(null, response);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ModelStatus serving() {
        ModelDescriptor model = new ModelDescriptor("fashion-mnist", "1.0.0", null, "model.onnx",
                new ModelDescriptor.Input("input", 1, 28, 28, 0, ModelDescriptor.ChannelOrder.RGB, List.of(0.5),
                        List.of(0.5)), new ModelDescriptor.Output("logits"), List.of(), null, null, null);
        VariantState variant = new VariantState(new VariantDescriptor("lowrank-conv2-b0.5", OperatorKind.LOW_RANK,
                "conv2", Map.of(), 1_200, 230_000, Provenance.DERIVED, "SVD", OptionalDouble.empty()), 7, true,
                Optional.empty(), false, OptionalDouble.of(Double.NaN));
        return new ModelStatus("backbone-1", ModelStatus.State.SERVING, Configuration.DEFAULT, 1, 95_000, 2_100_000,
                List.of(), List.of(variant), List.of(), Optional.empty(), 1, Optional.of(model));
    }

    private static BundleContext context() {
        Bundle lowRank = (Bundle) Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (p, m, args) -> switch (m.getName()) {
                    case "getBundleId" -> 7L;
                    case "getSymbolicName" -> "io.morphgate.operator.lowrank";
                    case "getVersion" -> new Version(0, 1, 0);
                    case "getState" -> Bundle.RESOLVED;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, args) -> switch (m.getName()) {
                    case "getBundles" -> new Bundle[] {lowRank};
                    case "getProperty" -> null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static StatusPageConfiguration configuration() {
        return (StatusPageConfiguration) Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(),
                new Class<?>[] {StatusPageConfiguration.class}, (p, m, args) -> switch (m.getName()) {
                    case "sampleSeconds" -> 2;
                    case "historyMinutes" -> 10;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static <T> T proxy(Class<T> type, String method, Object answer) {
        return type.cast(Proxy.newProxyInstance(StatusServletTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> {
                    if (m.getName().equals(method)) {
                        return answer;
                    }
                    throw new UnsupportedOperationException(m.getName());
                }));
    }
}
