package io.morphgate.api.serving;

import java.util.List;

/**
 * The answer to one request.
 *
 * @param topClasses      the most probable classes, most probable first
 * @param configurationId id of the configuration that served the request
 * @param generation      generation of the composed model that served it
 * @param queueMillis     time the request waited for its batch
 * @param inferenceMillis time of the batch in the model
 * @param batchSize       number of requests in the batch that served it
 */
public record Prediction(List<ClassScore> topClasses, String configurationId, long generation, double queueMillis,
        double inferenceMillis, int batchSize) {

    public Prediction {
        topClasses = List.copyOf(topClasses);
    }

    /**
     * One class and its probability.
     *
     * @param index       index of the class in the model's output
     * @param label       its name
     * @param probability softmax probability
     */
    public record ClassScore(int index, String label, float probability) {
    }
}
