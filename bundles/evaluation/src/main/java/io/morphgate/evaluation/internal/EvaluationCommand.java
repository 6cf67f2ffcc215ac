package io.morphgate.evaluation.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import com.google.gson.GsonBuilder;

import io.morphgate.api.evaluation.AccuracyEvaluator;
import io.morphgate.api.evaluation.EvaluationReport;
import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.evaluation.dataset.FashionMnist;

/**
 * The evaluation command: when the framework property {@value #CONFIGURATIONS} is set (the launcher's
 * {@code --evaluate}), waits for the gateway to settle, evaluates each configuration on the Fashion-MNIST test set,
 * logs the results, writes them as JSON to {@value #REPORT}, and stops the gateway. Without the property it does
 * nothing.
 */
@Component(immediate = true, service = {})
public class EvaluationCommand {

    static final String CONFIGURATIONS = "morphgate.evaluate";
    static final String REPORT = "morphgate.evaluate.report";
    static final String LIMIT = "morphgate.evaluate.limit";
    static final String DATASET = "morphgate.dataset.dir";
    private static final System.Logger LOG = System.getLogger(EvaluationCommand.class.getName());
    private static final long QUIET_MILLIS = 3000;
    /** How long the command waits for the operators' derivations and the variants it is asked to evaluate. */
    private static final long SETTLE_TIMEOUT_MILLIS = 15 * 60_000;

    /** The operators' reports: a derived variant is registered only when its operator's derivation has finished. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<OfferReport> offers = List.of();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "morphgate-evaluate"));

    @Activate
    public EvaluationCommand(BundleContext context, @Reference AccuracyEvaluator evaluator,
            @Reference ModelControl control) {
        String configurations = context.getProperty(CONFIGURATIONS);
        if (configurations == null || configurations.isBlank()) {
            return;
        }
        thread.execute(() -> run(context, evaluator, control, configurations));
    }

    @Deactivate
    void deactivate() {
        thread.shutdownNow();
    }

    private void run(BundleContext context, AccuracyEvaluator evaluator, ModelControl control, String configurations) {
        try {
            List<Configuration> wanted = new ArrayList<>();
            for (String spec : configurations.split(";")) {
                wanted.add(ConfigurationSpec.parse(spec));
            }
            int limit = Integer.parseInt(property(context, LIMIT, "10000"));
            Path dataset = Path.of(property(context, DATASET, FashionMnist.DEBIAN_DIRECTORY.toString()));
            LabelledImages images = FashionMnist.read(dataset, FashionMnist.Split.TEST, limit);
            awaitSettled(control, wanted);
            requireServable(control.status(), wanted);
            List<EvaluationReport> reports = new ArrayList<>();
            for (Configuration configuration : wanted) {
                reports.add(evaluator.evaluate(configuration, images, 200));
            }
            log(reports);
            String report = context.getProperty(REPORT);
            if (report != null) {
                Files.writeString(Path.of(report), new GsonBuilder().setPrettyPrinting().create()
                        .toJson(reports.stream().map(EvaluationCommand::json).toList()) + "\n", StandardCharsets.UTF_8);
                LOG.log(Level.INFO, "evaluation report written to {0}", report);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "evaluation failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        stopGateway(context);
    }

    /**
     * Waits until the backbone serves, no operator is still deriving variants for the serving model, every variant
     * the configurations name is there (derived variants of a model of real size come minutes after it serves), and
     * no variant has come or gone for a few seconds; at most {@value #SETTLE_TIMEOUT_MILLIS} ms, after which
     * {@link #requireServable} names what is missing.
     */
    private void awaitSettled(ModelControl control, List<Configuration> wanted) throws InterruptedException {
        int seen = -1;
        long quietSince = System.currentTimeMillis();
        long deadline = quietSince + SETTLE_TIMEOUT_MILLIS;
        String waitingFor = "";
        while (System.currentTimeMillis() < deadline) {
            ModelStatus status = control.status();
            int variants = status.variants().size();
            List<String> deriving = deriving(status.backboneId(), offers);
            String now = !deriving.isEmpty() ? "derivations of " + deriving : String.join("; ", missing(status, wanted));
            if (variants != seen) {
                seen = variants;
                quietSince = System.currentTimeMillis();
            } else if (status.state() == ModelStatus.State.SERVING && now.isEmpty()
                    && System.currentTimeMillis() - quietSince >= QUIET_MILLIS) {
                return;
            }
            if (!now.isEmpty() && !now.equals(waitingFor)) {
                LOG.log(Level.INFO, "evaluation waits for " + now);
            }
            waitingFor = now;
            Thread.sleep(200);
        }
    }

    /** The operators still deriving variants for the given model. */
    static List<String> deriving(String backboneId, List<OfferReport> offers) {
        return offers.stream().filter(o -> o.backboneId().equals(backboneId))
                .filter(o -> o.derivation().map(p -> !p.phase().ended()).orElse(false))
                .map(o -> o.operator().name()).sorted().toList();
    }

    /** Fails before any evaluation starts when a configuration names a slot or variant the gateway does not have. */
    private static void requireServable(ModelStatus status, List<Configuration> wanted) {
        List<String> problems = missing(status, wanted);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot evaluate: " + String.join("; ", problems));
        }
    }

    /** The slots and variants the configurations name that the gateway does not have (not yet, or not at all). */
    static List<String> missing(ModelStatus status, List<Configuration> wanted) {
        Set<String> slots = new HashSet<>();
        status.slots().forEach(s -> slots.add(s.spec().name()));
        Map<String, String> acceptedSlotById = new HashMap<>();
        status.variants().stream().filter(v -> v.accepted())
                .forEach(v -> acceptedSlotById.put(v.descriptor().id(), v.descriptor().slot()));
        List<String> problems = new ArrayList<>();
        for (Configuration c : wanted) {
            c.variantBySlot().forEach((slot, variant) -> {
                if (!slots.contains(slot)) {
                    problems.add("no slot " + slot + " (slots: " + slots + ")");
                } else if (!slot.equals(acceptedSlotById.get(variant))) {
                    problems.add("no accepted variant " + variant + " for slot " + slot);
                }
            });
        }
        return problems;
    }

    private static void log(List<EvaluationReport> reports) {
        StringBuilder table = new StringBuilder("evaluation results (Fashion-MNIST test set):\n");
        for (EvaluationReport r : reports) {
            table.append(String.format("  %-14s %6.2f%%  %,11d MACs  %,8d params  p50 %.3f ms  %s%n",
                    r.configurationId(), 100 * r.accuracy(), r.macs(), r.params(), r.p50LatencyMillis(),
                    r.variantBySlot().isEmpty() ? "(default layers)" : r.variantBySlot()));
        }
        LOG.log(Level.INFO, table.toString());
    }

    private static Map<String, Object> json(EvaluationReport r) {
        return Map.of("configurationId", r.configurationId(), "variantBySlot", r.variantBySlot(), "samples",
                r.samples(), "correct", r.correct(), "accuracy", r.accuracy(), "params", r.params(), "macs", r.macs(),
                "p50LatencyMillis", r.p50LatencyMillis(), "p99LatencyMillis", r.p99LatencyMillis(), "elapsedMillis",
                r.elapsedMillis());
    }

    private static String property(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Stops the framework: the launcher then exits, with 0 when the report file was written. */
    private static void stopGateway(BundleContext context) {
        try {
            context.getBundle(Constants.SYSTEM_BUNDLE_ID).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.log(Level.WARNING, "could not stop the gateway after the evaluation: " + e.getMessage());
        }
    }
}
