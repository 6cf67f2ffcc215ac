package io.morphgate.demo.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.morphgate.api.evaluation.LabelledImages;
import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.evaluation.dataset.FashionMnist;
import io.morphgate.model.Preprocessing;

/**
 * Classifies one Fashion-MNIST test image per interval and logs the answer with the configuration that served it;
 * logs every swap and refusal. Shows a newcomer that the gateway serves while it swaps.
 */
@Component(service = ModelListener.class, immediate = true, configurationPid = "morphgate.demo")
@Designate(ocd = DemoConfiguration.class)
public class DemoClient implements ModelListener {

    private static final System.Logger LOG = System.getLogger(DemoClient.class.getName());

    private final InferenceService inference;
    private final LabelledImages dataset;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger correct = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "morphgate-demo"));

    @Activate
    public DemoClient(@Reference InferenceService inference, DemoConfiguration config) throws IOException {
        this.inference = inference;
        this.dataset = FashionMnist.read(Path.of(config.datasetDirectory()), FashionMnist.Split.TEST, 1000);
        LOG.log(Level.INFO, "demo: classifying {0} Fashion-MNIST test images from {1}, one every {2} ms",
                dataset.size(), config.datasetDirectory(), config.intervalMillis());
        timer.scheduleAtFixedRate(this::classifyNext, 0, config.intervalMillis(), TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    private void classifyNext() {
        int i = next.getAndIncrement() % dataset.size();
        try {
            ModelDescriptor model = inference.model().orElseThrow(
                    () -> new InferenceException(InferenceException.Code.NOT_READY, "no model serves"));
            float[] input = Preprocessing.fromGreyUnit(dataset.pixels().get(i), dataset.width(), dataset.height(),
                    model.input());
            InferenceResult r = inference.infer(input);
            String truth = inference.labels().get(dataset.labels()[i]);
            String predicted = inference.labels().get(r.predictedClass());
            int hits = correct.addAndGet(predicted.equals(truth) ? 1 : 0);
            LOG.log(Level.INFO, String.format("demo: image %d (%s) -> %s p=%.2f by %s (generation %d) in %.2f ms;"
                    + " %d/%d right so far", i, truth, predicted, r.probabilities()[r.predictedClass()],
                    r.configurationId(), r.generation(), r.latencyNanos() / 1e6, hits, next.get()));
        } catch (InferenceException e) {
            LOG.log(Level.INFO, "demo: image {0} not classified: {1}", i, e.getMessage());
        }
    }

    @Override
    public void swapped(SwapRecord swap) {
        LOG.log(Level.INFO, String.format("demo: swap to generation %d, configuration %s %s, %.0f ms after '%s'",
                swap.generation(), swap.configuration().id(), swap.configuration().variantBySlot(),
                (swap.servingAt().toEpochMilli() - swap.triggeredAt().toEpochMilli()) * 1.0, swap.trigger()));
    }

    @Override
    public void refused(VariantState variant) {
        LOG.log(Level.INFO, "demo: variant {0} refused: {1}", variant.descriptor().id(),
                variant.refusalReason().orElse("?"));
    }
}
