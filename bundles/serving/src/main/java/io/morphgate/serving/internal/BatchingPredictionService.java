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
import io.morphgate.api.model.ModelDescriptor;
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
    private volatile long maxImagePixels;
    private volatile int maxRequestBytes;
    private volatile RequestBatcher<DecodedRequest> batcher;

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
        maxImagePixels = config.maxImagePixels();
        maxRequestBytes = config.maxRequestBytes();
        batcher = new RequestBatcher<>(new ServingBatches(), settings, counters, threads());
        LOG.log(System.Logger.Level.INFO, "serving with batches of at most {0}, {1} us added delay at most, "
                + "{2} requests queued at most, {3} workers", settings.maxBatchSize(), config.maxBatchDelayMicros(),
                settings.queueCapacity(), settings.workers());
    }

    @Override
    public CompletionStage<Prediction> predict(String mediaType, byte[] body, int topClasses) {
        DecodedRequest request;
        try {
            if (topClasses < 1) {
                throw new ServingException(Code.MALFORMED_REQUEST, "the number of top classes must be at least 1, not " + topClasses);
            }
            if (body.length > maxRequestBytes) {
                throw new ServingException(Code.PAYLOAD_TOO_LARGE, "the body has " + body.length
                        + " bytes; the gateway accepts at most " + maxRequestBytes);
            }
            ModelDescriptor model = inference.model().orElseThrow(() -> new ServingException(Code.NOT_READY,
                    "no model serves on this gateway"));
            request = new DecodedRequest(mediaType, body, model,
                    decoder.decode(mediaType, body, new ModelInput(model.input(), maxImagePixels)));
        } catch (ServingException e) {
            counters.rejected.incrementAndGet();
            throw e;
        }
        return submit(request).thenApply(b -> prediction(b, inference.labels(), topClasses));
    }

    /** Into the current queue; once more into the next one if a configuration change retired it meanwhile. */
    private CompletionStage<RequestBatcher.Batched> submit(DecodedRequest input) {
        RequestBatcher<DecodedRequest> current = batcher;
        try {
            return current.submit(input);
        } catch (ServingException e) {
            RequestBatcher<DecodedRequest> next = batcher;
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

    /**
     * The answer: the {@code top} most probable classes, named by {@code labels} (the model serving's; a class
     * without a label is named by its index).
     */
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
            // labels read after a model switch may belong to the other model: then classes go by their index
            scores.add(new ClassScore(c, labels.size() == p.length ? labels.get(c) : String.valueOf(c), p[c]));
        }
        return new Prediction(scores, r.configurationId(), r.generation(), (b.startedNanos() - b.arrivedNanos()) / 1e6,
                r.latencyNanos() / 1e6, b.batchSize());
    }

    /** Requests reach the model serving when their batch runs, decoded again if it changed since they came. */
    private final class ServingBatches implements BatchModel<DecodedRequest> {

        @Override
        public ModelDescriptor serving() {
            return inference.model().orElse(null);
        }

        @Override
        public float[] prepare(DecodedRequest request, ModelDescriptor serving) {
            return request.inputFor(serving, decoder, maxImagePixels);
        }

        @Override
        public List<InferenceResult> infer(List<float[]> inputs) {
            return inference.inferBatch(inputs);
        }
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
