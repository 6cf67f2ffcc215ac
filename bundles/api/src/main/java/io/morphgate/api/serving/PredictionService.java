package io.morphgate.api.serving;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Serves inference requests from local devices, whatever transport they came by: decodes the request body, queues it
 * (bounded) and runs queued requests together in dynamic batches on the inference service.
 */
@ProviderType
public interface PredictionService {

    /**
     * Decodes {@code body} as {@code mediaType} (see docs/protocol.md: {@code application/json},
     * {@code application/octet-stream}, {@code image/png}, {@code image/jpeg}) and queues it.
     *
     * @param topClasses how many of the most probable classes the prediction lists (1 to the number of classes)
     * @return completes with the prediction, or exceptionally with a {@link ServingException} when the model fails
     * @throws ServingException at once, when the body cannot be decoded or the queue is full
     */
    CompletionStage<Prediction> predict(String mediaType, byte[] body, int topClasses);

    /** The queue and batching figures since the service started. */
    QueueStatistics statistics();
}
