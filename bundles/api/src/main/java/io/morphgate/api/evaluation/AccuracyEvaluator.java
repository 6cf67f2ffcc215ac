package io.morphgate.api.evaluation;

import org.osgi.annotation.versioning.ProviderType;

import io.morphgate.api.model.Configuration;

/**
 * Measures a configuration on labelled images with the gateway's own runtime: the configuration is made to serve
 * (pinning every slot), the images go through the inference service, the previous pins are restored. While an
 * evaluation runs, the gateway serves that configuration; evaluations run one at a time.
 */
@ProviderType
public interface AccuracyEvaluator {

    /**
     * @param latencySamples how many single-image inferences to time for the latency percentiles
     * @throws IllegalArgumentException when a slot or variant of the configuration is unknown or not accepted
     */
    EvaluationReport evaluate(Configuration configuration, LabelledImages images, int latencySamples);
}
