package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Stage 1: the whole backbone, every parameter trainable, cross-entropy, Adam with cosine decay, seeded shuffling
 * and light augmentation; test accuracy after every epoch.
 */
final class BackboneTraining {

    /** The trained graph (same structure and initializer names as the template) and its test accuracy. */
    record Result(ModelProto model, int epochs, int steps, double testAccuracy, double seconds) {
    }

    private static final float LEARNING_RATE = 2e-3f;
    private static final float WEIGHT_DECAY = 1e-4f;

    private final TrainerOptions options;
    private final Progress progress;

    BackboneTraining(TrainerOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Result train(ModelProto template, FashionMnist train, FashionMnist test, NDManager parent) {
        double start = progress.seconds();
        try (NDManager m = parent.newSubManager()) {
            OnnxGraphBlock model = new OnnxGraphBlock(template, m, name -> true);
            Batches batches = new Batches(train, options.batchSize(), options.augment(), options.shift(), options.seed());
            int perEpoch = batches.perEpoch();
            int steps = options.epochs() * perEpoch;
            TrainingStep step = new TrainingStep(model.trainableParameters(), LEARNING_RATE, steps, WEIGHT_DECAY);
            progress.line("backbone: %d trainable values, %d images, %d epochs x %d steps of %d",
                    model.trainableCount(), train.size(), options.epochs(), perEpoch, options.batchSize());
            double accuracy = 0;
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                double lossSum = 0;
                double t = progress.seconds();
                for (int i = 1; i <= perEpoch; i++) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray[] batch = batches.next(s);
                        lossSum += step.run(() -> Evaluation.crossEntropy(model.forward(batch[0], true), batch[1]));
                    }
                    if (i % 100 == 0) {
                        progress.line("backbone epoch %d/%d step %d/%d loss %.4f (%.0f ms/step)", epoch,
                                options.epochs(), i, perEpoch, lossSum / i, 1000 * (progress.seconds() - t) / i);
                    }
                }
                accuracy = Evaluation.accuracy(model, test, m);
                progress.line("backbone epoch %d/%d done: train loss %.4f, test accuracy %.4f (%d images)", epoch,
                        options.epochs(), lossSum / perEpoch, accuracy, test.size());
            }
            return new Result(model.writeBack(), options.epochs(), steps, accuracy, progress.seconds() - start);
        }
    }
}
