package io.morphgate.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.List;
import java.util.function.Supplier;

/** One optimiser over a fixed set of parameters: Adam with a cosine-decayed learning rate over a known step count. */
final class TrainingStep {

    private final List<Parameter> parameters;
    private final Optimizer optimizer;

    TrainingStep(List<Parameter> parameters, float learningRate, int totalSteps, float weightDecay) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to train");
        }
        this.parameters = parameters;
        this.optimizer = Optimizer.adam()
                .optLearningRateTracker(Tracker.cosine().setBaseValue(learningRate)
                        .optFinalValue(learningRate / 100).setMaxUpdates(Math.max(1, totalSteps)).build())
                .optWeightDecays(weightDecay)
                .build();
    }

    /** Computes the loss with gradients recorded, back-propagates, updates; returns the loss value. */
    float run(Supplier<NDArray> loss) {
        float value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.get();
            value = l.getFloat();
            collector.backward(l);
        }
        for (Parameter p : parameters) {
            NDArray weight = p.getArray();
            try (NDArray grad = weight.getGradient()) {
                optimizer.update(p.getId(), weight, grad);
                grad.subi(grad); // PyTorch accumulates gradients: clear them for the next step
            }
        }
        return value;
    }
}
