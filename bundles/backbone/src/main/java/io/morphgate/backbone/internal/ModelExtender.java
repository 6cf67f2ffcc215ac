package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.InstalledModel.State;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.backbone.internal.ModelLibrary.Entry;
import io.morphgate.model.InvalidModelException;
import io.morphgate.model.ModelBundleFormat;

/**
 * The model extender: tracks every started bundle whose manifest has a {@value ModelBundleFormat#HEADER} header,
 * reads and checks its model in the background (descriptor, ONNX graph, slots, calibration images, a probe run), and
 * decides which model serves: the one the operator chose last if it is usable, otherwise the one serving, otherwise
 * the first usable one. While a model serves, its {@link SlotCatalog} is registered; when its bundle stops, the
 * gateway falls back to another usable model, or to none (inference answers NOT_READY, commands still work). All
 * decisions run on the swapper's thread, so they are ordered with swaps.
 */
final class ModelExtender implements BundleTrackerCustomizer<Long>, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelExtender.class.getName());

    private final BundleContext context;
    private final ModelSwapper swapper;
    private final SessionFactory sessions;
    private final ServingModel serving;
    private final PreferredModel preferred;
    private final ModelLibrary library = new ModelLibrary();
    private final BundleTracker<Long> tracker;
    /** Bundle id under which the local model file is listed. */
    static final long LOCAL = -1;

    /** The local model file's id, once it was read: it serves first. */
    private volatile Optional<String> localModel = Optional.empty();
    private volatile boolean closed;
    /** The catalog of the serving model; touched on the swap thread only. */
    private ServingCatalog catalog;

    private record ServingCatalog(long bundleId, ServiceRegistration<SlotCatalog> registration) {
    }

    ModelExtender(BundleContext context, ModelSwapper swapper, SessionFactory sessions, ServingModel serving,
            PreferredModel preferred) {
        this.context = context;
        this.swapper = swapper;
        this.sessions = sessions;
        this.serving = serving;
        this.preferred = preferred;
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, this);
    }

    /** Starts tracking model bundles, and reads the local model file the launcher names, if any. */
    void open() {
        tracker.open();
        String file = context.getProperty(LocalModelFile.FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            String descriptor = context.getProperty(LocalModelFile.DESCRIPTOR_PROPERTY);
            inBackground("reading the local model " + file, () -> loadLocal(Path.of(file),
                    descriptor == null || descriptor.isBlank() ? null : Path.of(descriptor)));
        }
    }

    List<InstalledModel> models() {
        return library.describe();
    }

    /** Makes model {@code id} serve and remembers the choice; see {@code ModelControl.activateModel}. */
    CompletableFuture<Void> activate(String id) {
        return swapper.submit(() -> {
            Entry entry = library.usable(id).orElseThrow(() -> new IllegalArgumentException("no usable model " + id
                    + " is installed (installed: " + library.describe().stream()
                            .map(m -> m.id() + " " + m.state()).toList() + ")"));
            if (entry.state() != State.SERVING) {
                swapper.activateNow(entry.artifacts(), "activated by command");
                served(entry);
            }
            preferred.set(id);
            localModel = Optional.empty(); // the operator's choice now outranks the --model file
            return null;
        });
    }

    @Override
    public Long addingBundle(Bundle bundle, BundleEvent event) {
        String descriptor = bundle.getHeaders("").get(ModelBundleFormat.HEADER);
        if (descriptor == null) {
            return null;
        }
        String id = bundle.getSymbolicName().startsWith(ModelBundleFormat.SYMBOLIC_NAME_PREFIX)
                ? bundle.getSymbolicName().substring(ModelBundleFormat.SYMBOLIC_NAME_PREFIX.length())
                : bundle.getSymbolicName();
        library.put(new Entry(bundle.getBundleId(), id, bundle.getVersion().toString(), State.LOADING, null,
                Optional.empty()));
        inBackground("reading model bundle " + bundle.getSymbolicName(), () -> load(bundle, descriptor.strip()));
        return bundle.getBundleId();
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, Long bundleId) {
        // a started model bundle does not change without stopping first
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, Long bundleId) {
        if (closed || frameworkStopping()) {
            return; // the backbone or the whole gateway stops: nothing to fall back to
        }
        inBackground("withdrawing model bundle " + bundle.getSymbolicName(), () -> {
            library.remove(bundleId).ifPresent(gone -> {
                LOG.log(Level.INFO, "model {0} (bundle {1}) withdrawn", gone.id(), bundleId);
                if (gone.state() == State.SERVING) {
                    withdrawCatalog();
                    reconsider("model " + gone.id() + " was withdrawn");
                }
            });
        });
    }

    private boolean frameworkStopping() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        return system != null && system.getState() == Bundle.STOPPING;
    }

    /** Runs {@code task} on the swap thread; a failure is logged, since nobody waits for it. */
    private void inBackground(String what, Runnable task) {
        swapper.submit(() -> {
            task.run();
            return null;
        }).exceptionally(e -> {
            LOG.log(Level.ERROR, what + " failed: " + e, e);
            return null;
        });
    }

    private void load(Bundle bundle, String descriptorPath) {
        long started = System.nanoTime();
        Entry loading = library.get(bundle.getBundleId()).orElse(null);
        if (loading == null) {
            return; // stopped before it could be read
        }
        try {
            BackboneArtifacts artifacts = BackboneArtifacts.read(path -> open(bundle, path), descriptorPath);
            ModelProbe.check(artifacts, sessions, serving);
            library.put(new Entry(bundle.getBundleId(), artifacts.id(), artifacts.descriptor().version(),
                    State.AVAILABLE, artifacts, Optional.empty()));
            LOG.log(Level.INFO, "model {0} {1} (bundle {2}) is usable: input {3}, {4} classes, {5} slots, {6} MACs,"
                    + " {7} params, ONNX sha256 {8} ({9} ms)", artifacts.id(), artifacts.descriptor().version(),
                    bundle.getBundleId(), artifacts.inputShape(), artifacts.classCount(), artifacts.slots().size(),
                    artifacts.defaultCost().macs(), artifacts.defaultCost().params(), artifacts.sha256(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (InvalidModelException | IllegalStateException e) {
            library.put(loading.with(State.REFUSED, Optional.of(e.getMessage())));
            LOG.log(Level.WARNING, "model bundle {0} ({1}) refused: {2}", bundle.getSymbolicName(),
                    bundle.getBundleId(), e.getMessage());
            return;
        }
        reconsider("model bundle " + bundle.getSymbolicName() + " started");
    }

    /**
     * The local model file: listed with bundle id {@value #LOCAL}, and while the gateway runs with it, it is the model
     * to serve, before the one chosen last.
     */
    private void loadLocal(Path file, Path descriptor) {
        try {
            BackboneArtifacts artifacts = LocalModelFile.read(file, descriptor);
            ModelProbe.check(artifacts, sessions, serving);
            Entry entry = new Entry(LOCAL, artifacts.id(), artifacts.descriptor().version(), State.AVAILABLE,
                    artifacts, Optional.empty());
            library.put(entry);
            localModel = Optional.of(artifacts.id());
            LOG.log(Level.INFO, "local model {0} from {1}: input {2}, {3} classes, {4} MACs", artifacts.id(), file,
                    artifacts.inputShape(), artifacts.classCount(), artifacts.defaultCost().macs());
            tryToServe(entry, "local model file " + file);
        } catch (InvalidModelException | IllegalStateException e) {
            library.put(new Entry(LOCAL, file.getFileName().toString(), "local", State.REFUSED, null,
                    Optional.of(e.getMessage())));
            LOG.log(Level.ERROR, "local model {0} refused: {1}", file, e.getMessage());
        }
    }

    private static InputStream open(Bundle bundle, String path) {
        URL entry = bundle.getEntry(path);
        if (entry == null) {
            return null;
        }
        try {
            return entry.openStream();
        } catch (IOException e) {
            throw new InvalidModelException("cannot open " + path + " in bundle " + bundle.getSymbolicName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Chooses what serves after a model came or went; on the swap thread. */
    private void reconsider(String why) {
        Optional<Entry> chosen = localModel.or(preferred::id).flatMap(library::usable);
        if (chosen.isPresent() && chosen.get().state() != State.SERVING && tryToServe(chosen.get(), why)) {
            return;
        }
        if (catalog != null) {
            return; // a model serves
        }
        for (Entry candidate : library.available()) {
            if (tryToServe(candidate, why)) {
                return;
            }
        }
        if (swapper.active() != null) {
            swapper.deactivateNow(why);
        }
    }

    private boolean tryToServe(Entry entry, String why) {
        try {
            swapper.activateNow(entry.artifacts(), why);
            served(entry);
            return true;
        } catch (IllegalStateException e) {
            library.put(entry.with(State.REFUSED, Optional.of(e.getMessage())));
            LOG.log(Level.WARNING, "model {0} could not serve: {1}", entry.id(), e.getMessage());
            return false;
        }
    }

    /** Bookkeeping once {@code entry} serves: the library's states and the catalog operators build from. */
    private void served(Entry entry) {
        library.serving(entry.bundleId());
        withdrawCatalog();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(SlotCatalog.MODEL_ID, entry.id());
        ModelSwapper.ActiveModel active = swapper.active();
        catalog = new ServingCatalog(entry.bundleId(), context.registerService(SlotCatalog.class,
                new ModelCatalog(active.artifacts(), active.calibration()), properties));
    }

    private void withdrawCatalog() {
        if (catalog != null) {
            try {
                catalog.registration().unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.log(Level.DEBUG, "slot catalog already unregistered (backbone stopping)");
            }
            catalog = null;
        }
    }

    /** Stops tracking and withdraws the catalog; call once the swapper's thread has stopped. */
    @Override
    public void close() {
        closed = true;
        tracker.close();
        withdrawCatalog();
    }
}
