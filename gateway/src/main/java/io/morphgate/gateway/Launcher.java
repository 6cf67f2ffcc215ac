package io.morphgate.gateway;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The gateway's main class: starts Felix, provisions the features, applies the configuration, runs until stopped. */
@Command(name = "morphgate", mixinStandardHelpOptions = true, version = "Morphgate gateway",
        description = "Starts a Morphgate edge gateway: Apache Felix with the bundles of the selected features.")
public final class Launcher implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_SETUP = 2;

    private static final Logger LOG = System.getLogger(Launcher.class.getName());
    /** The launcher holds this API jar and the system bundle exports it, so the launcher can call Configuration Admin. */
    private static final String CM_API = "org.osgi.service.cm;version=1.6.1";

    private final Path home = Path.of(System.getProperty("morphgate.home", "."));

    @Option(names = "--data-dir", description = "Framework storage and bundle data (default: ${DEFAULT-VALUE}).", defaultValue = "data")
    Path dataDir;

    @Option(names = "--config-dir", description = "framework.properties, configuration.json, features.list (default: <home>/conf).")
    Path configDir;

    @Option(names = "--features-dir", description = "Feature JSON descriptors (default: <home>/features).")
    Path featuresDir;

    @Option(names = "--features", split = ",", description = "Features to provision: ids, short names or JSON files (default: <config-dir>/features.list).")
    List<String> features;

    @Option(names = "--repository", description = "Extra Maven-layout folder searched after <home>/repository, e.g. ~/.m2/repository. Repeatable.")
    List<Path> extraRepositories = new ArrayList<>();

    @Option(names = "--exit-after-start", description = "Start, report ready, stop (smoke tests, timing).")
    boolean exitAfterStart;

    @Option(names = "--demo", description = "After ready, the demo bundle's walk-through (feature morphgate-demo): a MAC "
            + "budget set and lifted (feature morphgate-policy re-plans), the low-rank operator bundle stopped and "
            + "started while serving; then the gateway stops.")
    boolean demo;

    @Option(names = "--demo-pause", description = "Seconds between demo steps (default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int demoPauseSeconds;

    @Option(names = "--evaluate", paramLabel = "CONFIGURATION", description = "Evaluate a configuration on the "
            + "Fashion-MNIST test set with the gateway's own runtime once it has settled, write --report, then stop: "
            + "'default', or slot=variant pairs such as conv1=lowrank-conv1-b0.5,conv3=fire-conv3-s0.25. Repeatable. "
            + "Adds feature morphgate-evaluation.")
    List<String> evaluate = new ArrayList<>();

    @Option(names = "--report", description = "Where --evaluate writes its JSON report (default: ${DEFAULT-VALUE}).",
            defaultValue = "evaluation-report.json")
    Path report;

    @Option(names = "--limit", description = "Test images --evaluate classifies (default: ${DEFAULT-VALUE}, all).",
            defaultValue = "10000")
    int limit;

    @Option(names = "--dataset-dir", description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).",
            defaultValue = "/usr/share/datasets/fashion-mnist")
    Path datasetDir;

    @Option(names = "--clean", description = "Wipe the framework storage first: a fresh install from the features.")
    boolean clean;

    @Option(names = "--broker-port", description = "Port of the embedded MQTT broker (default: broker.port in "
            + "conf/broker.properties, 1883; 0: any free port).")
    Integer brokerPort;

    @Option(names = "--broker-url", description = "Use this external broker (tcp://host:1883, ssl://host:8883) "
            + "and start no embedded one (default: broker.mode and broker.url in conf/broker.properties).")
    String brokerUrl;

    @Option(names = "--gateway-id", description = "The gateway's id in the MQTT topics morphgate/v1/<id>/... "
            + "(default: gateway.id in conf/broker.properties, else the host name).")
    String gatewayId;

    @Option(names = "--model", paramLabel = "FILE.onnx", description = "Serve this ONNX model (read like a model "
            + "bundle, in-process; it serves before any installed model while the gateway runs with this option).")
    Path modelFile;

    @Option(names = "--model-descriptor", paramLabel = "FILE.json", description = "The --model's descriptor "
            + "(docs/models.md): input, preprocessing, labels, calibration images beside it. Without it: the graph's "
            + "input and output, no normalisation, classes named by index.")
    Path modelDescriptor;

    @Option(names = "--http-port", description = "Port of the HTTP inference endpoint and status page (default: "
            + "org.osgi.service.http.port in framework.properties, 8080).")
    Integer httpPort;

    @Option(names = "--stop-timeout", description = "Seconds to wait for the framework to stop (default: ${DEFAULT-VALUE}).", defaultValue = "30")
    int stopTimeoutSeconds;

    private static final String EVALUATION_FEATURE = "morphgate-evaluation";
    private static final String DEMO_FEATURE = "morphgate-demo";
    /** How long "ready" waits for the model to serve. */
    private static final Duration MODEL_WAIT = Duration.ofSeconds(120);
    /** Framework properties the control bundle reads: where the broker is, and the gateway's id in the topics. */
    static final String BROKER_URL_PROPERTY = "morphgate.broker.url";
    static final String GATEWAY_ID_PROPERTY = "morphgate.gateway.id";
    /** Framework properties the backbone reads: a model file to serve, and its descriptor. */
    static final String LOCAL_MODEL_PROPERTY = "morphgate.model.file";
    static final String LOCAL_MODEL_DESCRIPTOR_PROPERTY = "morphgate.model.descriptor";
    /** Framework properties the demo bundle reads (its DemoScript): run the walk-through, seconds between steps. */
    static final String DEMO_SCRIPT_PROPERTY = "morphgate.demo.script";
    static final String DEMO_PAUSE_PROPERTY = "morphgate.demo.pause-seconds";

    public static void main(String[] args) {
        LogSetup.init();
        int code = new CommandLine(new Launcher()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        Path conf = configDir != null ? configDir : home.resolve("conf");
        List<FeatureDescriptor> selected;
        ConfigurationApplier defaults;
        Map<String, String> frameworkProps;
        BrokerSettings brokerSettings;
        try {
            selected = selectFeatures(conf);
            if (demo && selected.stream().noneMatch(f -> f.artifactId().equals(DEMO_FEATURE))) {
                throw new IllegalArgumentException("--demo needs feature " + DEMO_FEATURE
                        + " (its bundle runs the walk-through)");
            }
            defaults = new ConfigurationApplier(ConfigurationFile.read(conf.resolve("configuration.json")));
            frameworkProps = frameworkProperties(conf);
            brokerSettings = BrokerSettings.load(conf.resolve("broker.properties"), brokerPort, brokerUrl, gatewayId);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.ERROR, "cannot start: " + e.getMessage());
            return EXIT_BAD_SETUP;
        }
        selected.forEach(f -> LOG.log(Level.INFO, "feature {0}: {1} bundle(s) ({2})", f.id(), f.bundles().size(), f.source()));

        EmbeddedBroker broker;
        try {
            broker = startBroker(brokerSettings);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "embedded MQTT broker failed to start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        // The control bundle reads these with BundleContext.getProperty (its configuration may leave them empty).
        frameworkProps.put(BROKER_URL_PROPERTY, broker != null ? broker.url() : brokerSettings.externalUrl());
        frameworkProps.put(GATEWAY_ID_PROPERTY, brokerSettings.gatewayId());
        LOG.log(Level.INFO, "gateway {0}, broker {1}", brokerSettings.gatewayId(), frameworkProps.get(BROKER_URL_PROPERTY));

        Gateway gateway = new Gateway(frameworkProps);
        Duration stopTimeout = Duration.ofSeconds(stopTimeoutSeconds);
        // The broker outlives the framework: the control bundle's last publications (state: offline) still go out.
        Thread hook = new Thread(() -> stopAll(gateway, broker, stopTimeout), "morphgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        StopSignals.install(() -> gateway.stop(Duration.ZERO));
        Integer failed = startGateway(gateway, broker, selected, defaults, stopTimeout);
        if (failed != null) {
            closeBroker(broker);
            return failed;
        }

        if (!exitAfterStart) {
            // with --demo, the demo bundle stops the framework when its walk-through ends
            gateway.awaitStop();
        }
        boolean stopped = stopAll(gateway, broker, stopTimeout);
        LOG.log(Level.INFO, "stopped");
        if (!evaluate.isEmpty() && !Files.isRegularFile(report)) {
            LOG.log(Level.ERROR, "the evaluation wrote no report (see the errors above)");
            return EXIT_START_FAILED;
        }
        return stopped ? EXIT_OK : EXIT_START_FAILED;
    }

    /**
     * bin/morphgate's archiving run (class data sharing) keeps the archive the JVM writes at exit only if the start
     * reached "ready", so that a failed start or --help never leaves an archive of half the classes for every later
     * start. It names the marker file in this system property.
     */
    static final String CDS_READY_MARKER_PROPERTY = "morphgate.cds.ready-marker";

    private static void markReadyForClassArchive() {
        String marker = System.getProperty(CDS_READY_MARKER_PROPERTY);
        if (marker != null && !marker.isBlank()) {
            try {
                Files.writeString(Path.of(marker), "ready\n");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot write " + marker + " (the class archive of this run is dropped): " + e);
            }
        }
    }

    /** Null when the gateway is ready, else the exit code. */
    private Integer startGateway(Gateway gateway, EmbeddedBroker broker, List<FeatureDescriptor> selected,
            ConfigurationApplier defaults, Duration stopTimeout) {
        try {
            List<Bundle> active = gateway.start(selected, repository(), defaults);
            if (broker != null) {
                broker.awaitStarted();
            }
            // ready means serving: when a model is to serve, wait for it (the backbone loads it in the background)
            String model = null;
            if (gateway.expectsModel(modelFile != null)) {
                model = gateway.awaitServingModel(MODEL_WAIT);
                if (model == null) {
                    LOG.log(Level.WARNING, "no model serves " + MODEL_WAIT.toSeconds() + " s after the start (see the"
                            + " backbone's log); ready without one");
                }
            }
            LOG.log(Level.INFO, "Morphgate ready in " + sinceJvmStart() + " ms (" + active.size() + " bundles active"
                    + (model != null ? ", model " + model + " serving" : ", no model serving") + ")");
            markReadyForClassArchive();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.INFO, "stopped while starting");
            return gateway.stop(stopTimeout) ? EXIT_OK : EXIT_START_FAILED;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "embedded MQTT broker failed to start: " + e.getMessage());
            gateway.stop(stopTimeout);
            return EXIT_START_FAILED;
        } catch (ProvisioningException | BundleException | RuntimeException e) {
            if (gateway.stopRequested()) {
                LOG.log(Level.INFO, "stopped while starting");
                return gateway.stop(stopTimeout) ? EXIT_OK : EXIT_START_FAILED;
            }
            if (e instanceof ProvisioningException p) {
                LOG.log(Level.ERROR, "start failed: bundle " + p.bundle() + ": " + p.reason());
            } else if (e instanceof BundleException) {
                LOG.log(Level.ERROR, "framework failed to start: " + e.getMessage());
            } else {
                LOG.log(Level.ERROR, "start failed", e);
            }
            gateway.stop(stopTimeout);
            return EXIT_START_FAILED;
        }
    }

    private List<FeatureDescriptor> selectFeatures(Path conf) throws IOException {
        FeatureCatalog catalog = new FeatureCatalog(new FeatureReader(), featuresDir != null ? featuresDir : home.resolve("features"));
        List<String> selectors = new ArrayList<>(features != null && !features.isEmpty()
                ? features
                : FeatureCatalog.readList(conf.resolve("features.list")));
        if (!evaluate.isEmpty() && !selectors.contains(EVALUATION_FEATURE)) {
            selectors.add(EVALUATION_FEATURE);
        }
        return catalog.findAll(selectors);
    }

    private Map<String, String> frameworkProperties(Path conf) throws IOException {
        Map<String, String> props = FrameworkProperties.load(conf.resolve("framework.properties"), Map.of(
                "morphgate.data.dir", dataDir.toAbsolutePath().normalize().toString(),
                "morphgate.home", home.toAbsolutePath().normalize().toString()));
        props.putIfAbsent("org.osgi.framework.storage", dataDir.resolve("cache").toAbsolutePath().toString());
        FrameworkProperties.addSystemPackagesExtra(props, CM_API);
        if (clean) {
            props.put("org.osgi.framework.storage.clean", "onFirstInit");
        }
        if (modelDescriptor != null && modelFile == null) {
            throw new IllegalArgumentException("--model-descriptor needs --model");
        }
        if (modelFile != null) {
            if (!Files.isRegularFile(modelFile)) {
                throw new IllegalArgumentException("--model " + modelFile + " is not a file");
            }
            props.put(LOCAL_MODEL_PROPERTY, modelFile.toAbsolutePath().normalize().toString());
            if (modelDescriptor != null) {
                props.put(LOCAL_MODEL_DESCRIPTOR_PROPERTY, modelDescriptor.toAbsolutePath().normalize().toString());
            }
        }
        if (demo) {
            props.put(DEMO_SCRIPT_PROPERTY, "true");
            props.put(DEMO_PAUSE_PROPERTY, String.valueOf(Math.max(1, demoPauseSeconds)));
        }
        if (httpPort != null) {
            if (httpPort < 1 || httpPort > 65535) {
                throw new IllegalArgumentException("--http-port must be from 1 to 65535, not " + httpPort);
            }
            props.put("org.osgi.service.http.port", String.valueOf(httpPort));
        }
        if (!evaluate.isEmpty()) {
            Files.deleteIfExists(report);
            props.put("morphgate.evaluate", String.join(";", evaluate));
            props.put("morphgate.evaluate.report", report.toAbsolutePath().toString());
            props.put("morphgate.evaluate.limit", String.valueOf(limit));
            props.put("morphgate.dataset.dir", datasetDir.toAbsolutePath().toString());
        }
        return props;
    }

    /** The embedded broker, starting while the framework starts, or null when the settings name an external one. */
    private EmbeddedBroker startBroker(BrokerSettings settings) throws IOException {
        if (settings.mode() != BrokerSettings.Mode.EMBEDDED) {
            return null;
        }
        return EmbeddedBroker.startInBackground(settings, dataDir.resolve("broker"));
    }

    private static boolean stopAll(Gateway gateway, EmbeddedBroker broker, Duration timeout) {
        boolean stopped = gateway.stop(timeout);
        closeBroker(broker);
        return stopped;
    }

    private static void closeBroker(EmbeddedBroker broker) {
        if (broker != null) {
            broker.close();
        }
    }

    private BundleRepository repository() {
        List<Path> roots = new ArrayList<>();
        roots.add(home.resolve("repository"));
        extraRepositories.forEach(r -> roots.add(Path.of(r.toString().replaceFirst("^~", System.getProperty("user.home")))));
        return new BundleRepository(roots);
    }

    private static long sinceJvmStart() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    @Override
    public String toString() {
        return "Launcher" + Arrays.asList(dataDir, configDir, features);
    }
}
