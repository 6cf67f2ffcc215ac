package io.morphgate.serving.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.serving.Prediction;
import io.morphgate.api.serving.Prediction.ClassScore;
import io.morphgate.api.serving.PredictionService;
import io.morphgate.api.serving.QueueStatistics;
import io.morphgate.api.serving.ServingException;
import io.morphgate.api.serving.ServingException.Code;

/**
 * The prediction service: decodes on the caller's thread (so bad input is refused before it takes a place in the
 * queue), then queues for a batch. A configuration change swaps in a new queue; the old one finishes what it holds.
 */
@Component(configurationPid = "morphgate.serving")
@Designate(ocd = ServingConfiguration.class)
public class BatchingPredictionService implements PredictionService {

    private static final System.Logger LOG = System.getLogger(BatchingPredictionService.class.getName());

    private final InferenceService inference;
    private final InputDecoder decoder = new InputDecoder();
    private final QueueCounters counters = new QueueCounters();
    private volatile ModelInput modelInput;
    private volatile int maxRequestBytes;
    private volatile RequestBatcher batcher;

    @Activate
    public BatchingPredictionService(@Reference InferenceService inference, ServingConfiguration config) {
        this.inference = inference;
        configure(config);
    }

    @Modified
    void modified(ServingConfiguration config) {
        RequestBatcher old = batcher;
        configure(config);
        old.shutdown(5_000);
    }

    @Deactivate
    void deactivate() {
        batcher.shutdown(5_000);
    }

    private void configure(ServingConfiguration config) {
        BatchSettings settings = new BatchSettings(config.maxBatchSize(),
                TimeUnit.MICROSECONDS.toNanos(config.maxBatchDelayMicros()), config.queueCapacity(), config.workers());
        modelInput = new ModelInput(inference.inputShape(), inference.normalization(), config.maxImagePixels());
        maxRequestBytes = config.maxRequestBytes();
        batcher = new RequestBatcher(inference::inferBatch, settings, counters, threads());
        LOG.log(System.Logger.Level.INFO, "serving with batches of at most {0}, {1} us added delay at most, "
                + "{2} requests queued at most, {3} workers", settings.maxBatchSize(), config.maxBatchDelayMicros(),
                settings.queueCapacity(), settings.workers());
    }

    @Override
    public CompletionStage<Prediction> predict(String mediaType, byte[] body, int topClasses) {
        List<String> labels = inference.labels();
        float[] input;
        try {
            if (topClasses < 1) {
                throw new ServingException(Code.MALFORMED_REQUEST, "the number of top classes must be at least 1, not " + topClasses);
            }
            if (body.length > maxRequestBytes) {
                throw new ServingException(Code.PAYLOAD_TOO_LARGE, "the body has " + body.length
                        + " bytes; the gateway accepts at most " + maxRequestBytes);
            }
            input = decoder.decode(mediaType, body, modelInput);
        } catch (ServingException e) {
            counters.rejected.incrementAndGet();
            throw e;
        }
        int top = Math.min(topClasses, labels.size());
        return submit(input).thenApply(b -> prediction(b, labels, top));
    }

    /** Into the current queue; once more into the next one if a configuration change retired it meanwhile. */
    private CompletionStage<RequestBatcher.Batched> submit(float[] input) {
        RequestBatcher current = batcher;
        try {
            return current.submit(input);
        } catch (ServingException e) {
            RequestBatcher next = batcher;
            if (e.code() == Code.NOT_READY && next != current) {
                return next.submit(input);
            }
            throw e;
        }
    }

    @Override
    public QueueStatistics statistics() {
        RequestBatcher b = batcher;
        BatchSettings s = b.settings();
        return new QueueStatistics(b.queued(), s.queueCapacity(), counters.accepted.get(), counters.refused.get(),
                counters.rejected.get(), counters.batches.get(), counters.batchedRequests.get(), s.maxBatchSize(),
                TimeUnit.NANOSECONDS.toMicros(s.maxDelayNanos()));
    }

    static Prediction prediction(RequestBatcher.Batched b, List<String> labels, int top) {
        InferenceResult r = b.result();
        float[] p = r.probabilities();
        List<Integer> order = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) {
            order.add(i);
        }
        order.sort((x, y) -> Float.compare(p[y], p[x]));
        List<ClassScore> scores = new ArrayList<>(top);
        for (int i = 0; i < Math.min(top, p.length); i++) {
            int c = order.get(i);
            scores.add(new ClassScore(c, c < labels.size() ? labels.get(c) : "class " + c, p[c]));
        }
        return new Prediction(scores, r.configurationId(), r.generation(), (b.startedNanos() - b.arrivedNanos()) / 1e6,
                r.latencyNanos() / 1e6, b.batchSize());
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "morphgate-serving-batch-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
