package io.morphgate.status.page.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.metatype.annotations.Designate;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.QueueStatistics;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.wire.BundleStates;
import io.morphgate.wire.JsonText;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.OfferJson;
import io.morphgate.wire.ServingJson;

/**
 * {@code GET /morphgate/status.json}: what the page shows, built on each request from the same services the MQTT
 * telemetry reads and written as the MQTT replies write them (io.morphgate.wire), plus the sampled history for the
 * chart.
 */
@Component(service = Servlet.class, configurationPid = "morphgate.status.page")
@Designate(ocd = StatusPageConfiguration.class)
@HttpWhiteboardServletName("morphgate-status")
@HttpWhiteboardServletPattern("/morphgate/status.json")
public class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(StatusServlet.class.getName());

    private final transient BundleContext context;
    private final transient ModelControl model;
    private final transient InferenceService inference;
    private final transient ServingHistory history;
    private final transient ScheduledExecutorService sampler;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile PredictionService predictions;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ConfigurationAdmin configurationAdmin;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile PolicyDecisions policyDecisions;
    /** The operators' reports: the slots they skip and their derivations; they come and go with the operators. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<OfferReport> offerReports = List.of();

    @Activate
    public StatusServlet(BundleContext context, @Reference ModelControl model, @Reference InferenceService inference,
            StatusPageConfiguration config) {
        this.context = context;
        this.model = model;
        this.inference = inference;
        int sampleSeconds = Math.max(1, config.sampleSeconds());
        this.history = new ServingHistory(inference::statistics, this::queueStatistics,
                Math.max(1, config.historyMinutes()) * 60 / sampleSeconds);
        this.sampler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "morphgate-status-history");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, sampleSeconds, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        sampler.shutdownNow();
    }

    private void sample() {
        try {
            history.sample();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep sampling
            LOG.log(System.Logger.Level.WARNING, "cannot sample the serving figures: " + e, e);
        }
    }

    private QueueStatistics queueStatistics() {
        PredictionService p = predictions;
        return p == null ? null : p.statistics();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] bytes = JsonText.write(document()).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    JsonObject document() {
        ModelStatus status = model.status();
        JsonObject json = new JsonObject();
        String gatewayId = context.getProperty("morphgate.gateway.id");
        json.addProperty("gatewayId", gatewayId == null || gatewayId.isBlank() ? "gateway-1" : gatewayId);
        long uptime = TimeUnit.MILLISECONDS.toSeconds(ManagementFactory.getRuntimeMXBean().getUptime());
        json.add("telemetry", ServingJson.telemetry(status, inference.statistics(), uptime));
        JsonObject detail = ModelJson.detail(status);
        List<OfferReport> reports = offerReports;
        detail.add("skipped", OfferJson.skipped(reports, status.backboneId()));
        json.add("model", detail);
        json.add("derivations", OfferJson.derivations(reports, status.backboneId()));
        json.add("operators", operators(status));
        json.add("budget", new BudgetSection(configurationAdmin).json());
        PolicyDecisions decisions = policyDecisions;
        json.add("policy", PolicySection.json(context, decisions == null ? List.of() : decisions.recent()));
        QueueStatistics queue = queueStatistics();
        json.add("serving", queue == null ? JsonNull.INSTANCE : ServingJson.queue(queue));
        JsonArray points = new JsonArray();
        history.points().forEach(p -> points.add(p.json()));
        json.add("history", points);
        return json;
    }

    /** The operator bundles (symbolic names io.morphgate.operator.*, the shared kit aside) and their state. */
    private JsonArray operators(ModelStatus status) {
        JsonArray operators = new JsonArray();
        Bundle[] bundles = context.getBundles();
        Arrays.sort(bundles, (a, b) -> Long.compare(a.getBundleId(), b.getBundleId()));
        for (Bundle b : bundles) {
            String name = b.getSymbolicName();
            if (name == null || !name.startsWith("io.morphgate.operator.") || name.equals("io.morphgate.operator.kit")) {
                continue;
            }
            JsonObject json = new JsonObject();
            json.addProperty("bundleId", b.getBundleId());
            json.addProperty("symbolicName", name);
            json.addProperty("version", b.getVersion().toString());
            json.addProperty("state", BundleStates.name(b.getState()));
            json.addProperty("variantsOffered", status.variants().stream().filter(v -> v.bundleId() == b.getBundleId()).count());
            json.addProperty("variantsActive", status.variants().stream()
                    .filter(v -> v.bundleId() == b.getBundleId() && v.active()).count());
            operators.add(json);
        }
        return operators;
    }

}
