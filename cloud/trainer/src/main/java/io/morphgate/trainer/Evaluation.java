package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

    /**
     * Knowledge distillation: {@code T^2 * KL(softmax(teacher/T) || softmax(student/T))}, averaged over the batch
     * (the T^2 keeps its gradients on the scale of the cross-entropy's). The teacher's logits carry no gradient.
     */
    static NDArray distillation(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        NDArray teacherLog = teacherLogits.div(temperature).logSoftmax(1);
        NDArray studentLog = studentLogits.div(temperature).logSoftmax(1);
        return teacherLog.exp().mul(teacherLog.sub(studentLog)).sum(new int[] {1}).mean()
                .mul(temperature * temperature);
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
                NDArray logits = model.forward(m.create(images, model.inputShape(b)), false);
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
