package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;

import java.util.Arrays;

/** Losses and accuracy, the way every stage measures them. */
final class Evaluation {

    private static final int BATCH = 500;

    private Evaluation() {
    }

    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return Loss.softmaxCrossEntropyLoss().evaluate(new ai.djl.ndarray.NDList(labels),
                new ai.djl.ndarray.NDList(logits));
    }

    static NDArray meanSquaredError(NDArray prediction, NDArray target) {
        return prediction.sub(target).square().mean();
    }

    /** Top-1 accuracy of the whole model (inference mode) on {@code data}. */
    static double accuracy(OnnxGraphBlock model, FashionMnist data, NDManager parent) {
        long correct = 0;
        for (int start = 0; start < data.size(); start += BATCH) {
            int b = Math.min(BATCH, data.size() - start);
            try (NDManager m = parent.newSubManager()) {
                float[] images = Arrays.copyOfRange(data.images(), start * FashionMnist.PIXELS,
                        (start + b) * FashionMnist.PIXELS);
                NDArray logits = model.forward(m.create(images, new Shape(b, 1, 28, 28)), false);
                long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < b; i++) {
                    if (predicted[i] == data.labels()[start + i]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / data.size();
    }
}
